package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// idLayout names a backup by its UTC creation time; ids sort by age.
const idLayout = "20060102T150405Z"

var idRE = regexp.MustCompile(`^\d{8}T\d{6}Z(-\d+)?$`)

// isID reports whether name has the shape of a backup id.
func isID(name string) bool { return idRE.MatchString(name) }

// claim picks a free id for now, creates its hidden work directory and
// locks it (lockWork) until the caller closes lock, adding -2, -3… when a
// backup of the same second exists. The suffix is
// above any used in that second, even by a pruned or unfinished backup,
// so ids keep the order in which backups were made.
func claim(dir string, now time.Time) (id, work string, lock *os.File, err error) {
	base := now.UTC().Format(idLayout)
	first, err := nextSuffix(dir, base)
	if err != nil {
		return "", "", nil, err
	}
	for n := first; n < first+1000; n++ {
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
			return "", "", nil, fmt.Errorf("create backup directory: %w", err)
		}
		lock, err := lockOwn(work)
		if err != nil {
			return "", "", nil, err
		}
		if lock == nil {
			continue // removed as a leftover before we locked it
		}
		return id, work, lock, os.Chmod(work, 0o700)
	}
	return "", "", nil, fmt.Errorf("no free backup id for %s in %s", base, dir)
}

// lockOwn locks a work directory just made; nil when another backup's
// removeLeftovers took it between the mkdir and the lock.
func lockOwn(work string) (*os.File, error) {
	f, _, err := lockWork(work, true)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock backup directory: %w", err)
	}
	st, err := os.Stat(work)
	fst, ferr := f.Stat()
	if err != nil || ferr != nil || !os.SameFile(st, fst) {
		f.Close()
		return nil, nil
	}
	return f, nil
}

// nextSuffix is one more than the highest suffix of base in dir (a bare
// base counts as 1), visible or hidden.
func nextSuffix(dir, base string) (int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("read backup directory: %w", err)
	}
	high := 0
	for _, e := range ents {
		name := strings.TrimPrefix(e.Name(), ".")
		if i := strings.IndexByte(name, '.'); i >= 0 {
			name = name[:i]
		}
		if !isID(name) || !strings.HasPrefix(name, base) {
			continue
		}
		n := 1
		if _, suffix, ok := strings.Cut(name, "-"); ok {
			n, _ = strconv.Atoi(suffix)
		}
		high = max(high, n)
	}
	return high + 1, nil
}

// ensureDir creates the backup directory (0700) when missing.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup directory %s: %w", dir, err)
	}
	return nil
}
