package backup

import (
	"errors"
	"os"
	"path/filepath"
)

// realPath is path made absolute with every link resolved, file and
// directories alike: SQLite keeps its -wal and -journal beside the real
// file, and renaming over a link would replace the link, not the database.
// A path that does not exist (yet) is only made absolute.
func realPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, os.ErrNotExist) {
		return abs, nil
	}
	return resolved, err
}
