package backup

import (
	"fmt"
	"os"
	"path/filepath"
)

// Prune removes the oldest backups of the database identity in dir beyond
// the newest keep, never the backup protect (the one just made), and the
// incomplete backups no running backup holds. Other databases' backups are
// left alone. It returns the ids removed.
func Prune(dir string, keep int, identity, protect string) ([]string, error) {
	if keep < 1 {
		return nil, fmt.Errorf("keep must be 1 or more, got %d", keep)
	}
	list, err := List(dir)
	if err != nil {
		return nil, err
	}
	removed, err := removeLeftovers(dir)
	if err != nil {
		return removed, err
	}
	kept := 0
	for _, e := range list {
		if e.Manifest == nil || !SameDatabase(*e.Manifest, identity) {
			continue
		}
		if e.ID == protect || kept < keep {
			kept++
			continue
		}
		// Hide it first so a half-removed backup never looks complete.
		gone := filepath.Join(dir, deletingName(e.ID))
		if err := os.Rename(filepath.Join(dir, e.ID), gone); err != nil {
			return removed, fmt.Errorf("prune %s: %w", e.ID, err)
		}
		if err := os.RemoveAll(gone); err != nil {
			return removed, fmt.Errorf("prune %s: %w", e.ID, err)
		}
		removed = append(removed, e.ID)
	}
	return removed, nil
}
