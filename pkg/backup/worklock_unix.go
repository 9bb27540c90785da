//go:build unix

package backup

import (
	"errors"
	"os"
	"syscall"
)

// lockWork opens a backup's work directory and takes the lock a running
// backup holds on it until it finishes; the kernel drops it when the
// process dies, however it dies. With wait false, held reports that a
// running backup has it.
func lockWork(path string, wait bool) (f *os.File, held bool, err error) {
	f, err = os.Open(path)
	if err != nil {
		return nil, false, err
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, err
	}
	return f, false, nil
}
