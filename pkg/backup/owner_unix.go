//go:build unix

package backup

import (
	"os"
	"syscall"
)

// chownLike gives path the owner and group of st, best effort: a restore
// run as root must not leave the app a database file it cannot write.
func chownLike(path string, st os.FileInfo) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		_ = os.Lchown(path, int(s.Uid), int(s.Gid))
	}
}
