//go:build !unix

package backup

import "os"

// lockWork cannot tell a running backup from a dead one without flock, so
// every work directory counts as held: listed, never removed.
func lockWork(path string, wait bool) (*os.File, bool, error) {
	if !wait {
		return nil, true, nil
	}
	f, err := os.Open(path)
	return f, false, err
}
