package backup

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Hidden directories of work that did not finish: a backup being written
// (or killed while writing), and a backup being (or left half) pruned.
// Both can hold copies of the database and the .env file.
const (
	partialSuffix  = ".partial"
	deletingSuffix = ".deleting"
)

func partialName(id string) string  { return "." + id + partialSuffix }
func deletingName(id string) string { return "." + id + deletingSuffix }

// leftover parses a hidden work directory's name into its backup id.
func leftover(name string) (id, suffix string, ok bool) {
	if !strings.HasPrefix(name, ".") {
		return "", "", false
	}
	for _, suffix := range []string{partialSuffix, deletingSuffix} {
		if id, ok := strings.CutSuffix(name[1:], suffix); ok && isID(id) {
			return id, suffix, true
		}
	}
	return "", "", false
}

// inspectLeftover describes a hidden work directory as an incomplete backup.
func inspectLeftover(dir, name, id, suffix string) Entry {
	e := Entry{ID: id, Status: StatusIncomplete}
	if t, err := time.Parse(idLayout, id[:len(idLayout)]); err == nil {
		e.CreatedAt = t
	}
	_ = filepath.WalkDir(filepath.Join(dir, name), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				e.Size += info.Size()
			}
		}
		return nil
	})
	switch {
	case suffix == deletingSuffix:
		e.Detail = "left by a prune that did not finish; the next backup or --keep removes it"
	case inUse(filepath.Join(dir, name)):
		e.Detail = "being written by a running backup"
	default:
		e.Detail = "left by a backup that did not finish; the next backup or --keep removes it"
	}
	return e
}

func inUse(path string) bool {
	f, held, err := lockWork(path, false)
	if f != nil {
		f.Close()
	}
	return err == nil && held
}

// removeLeftovers removes the hidden work directories in dir that no
// running backup holds, and returns their ids.
func removeLeftovers(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read backup directory: %w", err)
	}
	removed := []string{}
	for _, de := range ents {
		id, suffix, ok := leftover(de.Name())
		if !ok || !de.IsDir() {
			continue
		}
		path := filepath.Join(dir, de.Name())
		if suffix == partialSuffix {
			f, held, err := lockWork(path, false)
			if err != nil && !os.IsNotExist(err) {
				return removed, fmt.Errorf("incomplete backup %s: %w", id, err)
			}
			if held || f == nil {
				continue
			}
			err = os.RemoveAll(path)
			f.Close()
			if err != nil {
				return removed, fmt.Errorf("remove incomplete backup %s: %w", id, err)
			}
		} else if err := os.RemoveAll(path); err != nil {
			return removed, fmt.Errorf("remove incomplete backup %s: %w", id, err)
		}
		removed = append(removed, id)
	}
	return removed, nil
}
