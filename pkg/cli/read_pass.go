package cli

import (
	"context"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// openForReading opens the configured database for a command that only
// reads it with up to readers connections at once (a SQLite pool holds one,
// for its writer, unless told otherwise), and the snapshot of the source
// database (nil when the legacy table is in db). done closes both.
func (f *Factory) openForReading(ctx context.Context, readers int) (db *database.DB, src *database.Snapshot, done func(), err error) {
	db, err = f.OpenDB(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	db.SetMaxOpenConns(readers)
	src, closeSource, err := f.sourceSnapshot(ctx, db.Target)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return db, src, func() {
		closeSource()
		db.Close()
	}, nil
}
