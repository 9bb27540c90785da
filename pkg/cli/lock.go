package cli

import (
	"context"
	"fmt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// withWriteLock runs fn holding the single-writer lock of DESIGN.md and
// turns a SQLite busy timeout into ErrLockHeld, so both engines exit 4.
func (f *Factory) withWriteLock(ctx context.Context, db *database.DB, fn func() error) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	release, err := db.Dialect.Lock(ctx, db.DB, cfg.LockTimeout())
	if err != nil {
		return err
	}
	defer release()
	err = fn()
	if err != nil && db.Dialect.IsLockError(err) {
		return fmt.Errorf("%w (waited %s, --lock-timeout): %v", database.ErrLockHeld, cfg.LockTimeout(), err)
	}
	return err
}
