package backup

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LatestVerified is the backup gate: the newest backup of the database
// identity in dir, younger than maxAge at now, that passes Verify. It
// returns an error wrapping ErrStale when the newest backups are too old,
// ErrCorrupt when every young enough one fails verification, and
// ErrMissing when there is none of this database. Rollback safety
// backups count: they are genuine copies of the database.
func LatestVerified(ctx context.Context, dir, identity string, maxAge time.Duration, now time.Time) (Manifest, error) {
	list, err := List(dir)
	if err != nil {
		return Manifest{}, err
	}
	var corrupt error
	for _, e := range list {
		if e.Manifest == nil || !SameDatabase(*e.Manifest, identity) {
			continue
		}
		if age := now.Sub(e.CreatedAt); age > maxAge {
			if corrupt != nil {
				return Manifest{}, corrupt
			}
			return Manifest{}, fmt.Errorf("%w: newest backup of %s is %s (%s old, limit %s)",
				ErrStale, identity, e.ID, age.Round(time.Second), maxAge)
		}
		_, err := verifyManifest(ctx, dir, *e.Manifest)
		if err == nil {
			return *e.Manifest, nil
		}
		if !errors.Is(err, ErrCorrupt) {
			return Manifest{}, err
		}
		if corrupt == nil {
			corrupt = err
		}
	}
	if corrupt != nil {
		return Manifest{}, corrupt
	}
	return Manifest{}, fmt.Errorf("%w: no backup of %s in %s (run dhmig backup)", ErrMissing, identity, dir)
}
