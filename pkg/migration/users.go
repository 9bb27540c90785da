package migration

import (
	"context"
	"fmt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// UsersOptions of one migrate-users run: the copy's options (DryRun rolls
// everything back), the wait for another writer, the source database and
// the garbage collector tuning.
type UsersOptions struct {
	Users  usermigrate.Options
	Write  database.WriteOptions
	Source *database.DB
	GC     GCTuning
}

// UsersResult is what a migrate-users run did.
type UsersResult struct {
	usermigrate.Result
	// Source is the source database's display when it is not the target.
	Source string
	// Written is true only when the transaction was committed.
	Written bool
}

// MigrateUsers copies the legacy users in one write session: committed
// unless DryRun or anything failed, rolled back otherwise.
func MigrateUsers(ctx context.Context, db *database.DB, o UsersOptions) (res UsersResult, err error) {
	defer o.GC.apply()()
	w, err := database.BeginWrite(ctx, db, o.Write)
	if err != nil {
		return res, err
	}
	defer w.Close()
	// The source's snapshot lasts the copy only: it is read, never
	// locked, and ends before the commit.
	snap, closeSource, err := openSource(ctx, o.Source)
	if err != nil {
		return res, err
	}
	if snap != nil {
		o.Users.Source, res.Source = snap, snap.Target.Redacted()
	}
	res.Result, err = usermigrate.Run(ctx, w, o.Users)
	closeSource()
	if err != nil || o.Users.DryRun {
		if rerr := w.Rollback(); rerr != nil && err == nil {
			return res, fmt.Errorf("roll back the dry run: %w", rerr)
		}
		return res, err
	}
	if err := w.Commit(); err != nil {
		return res, err
	}
	res.Written = true
	return res, nil
}
