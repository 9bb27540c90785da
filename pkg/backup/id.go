package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// idLayout names a backup by its UTC creation time; ids sort by age.
const idLayout = "20060102T150405Z"

var idRE = regexp.MustCompile(`^\d{8}T\d{6}Z(-\d+)?$`)

// IsID reports whether name has the shape of a backup id.
func IsID(name string) bool { return idRE.MatchString(name) }

func partialName(id string) string { return "." + id + ".partial" }

// claim picks a free id for now and creates its hidden work directory,
// adding -2, -3… when a backup of the same second exists.
func claim(dir string, now time.Time) (id, work string, err error) {
	base := now.UTC().Format(idLayout)
	for n := 1; n < 1000; n++ {
		id = base
		if n > 1 {
			id = base + "-" + strconv.Itoa(n)
		}
		if _, err := os.Lstat(filepath.Join(dir, id)); err == nil {
			continue
		}
		work = filepath.Join(dir, partialName(id))
		err := os.Mkdir(work, 0o700)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("create backup directory: %w", err)
		}
		return id, work, os.Chmod(work, 0o700)
	}
	return "", "", fmt.Errorf("no free backup id for %s in %s", base, dir)
}

// ensureDir creates the backup directory (0700) when missing.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup directory %s: %w", dir, err)
	}
	return nil
}
