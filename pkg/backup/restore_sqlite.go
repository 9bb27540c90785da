package backup

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// restoreSQLite swaps the database file for the backup copy atomically.
// The copy lands in a temporary file in the same directory (same file
// system), is checked and flushed, and is renamed over the live file. Any
// write-ahead log is checkpointed into the old file first; a -wal, -shm or
// -journal file that remains means another process has the database
// open, and the restore refuses rather than let a stale log be replayed
// onto the restored file. Links are resolved first: the real file is
// replaced and the link stays.
func restoreSQLite(ctx context.Context, db *database.DB, src string, f File) error {
	live, err := realPath(db.Target.Path)
	if err != nil {
		return fmt.Errorf("database file: %w", err)
	}
	st, err := os.Stat(live)
	if err != nil {
		return fmt.Errorf("database file: %w", err)
	}
	tmp, err := atomicCopy(src, live, f.SHA256, st.Mode().Perm())
	if err != nil {
		return err
	}
	defer tmp.Discard()
	chownLike(tmp.Name(), st)
	// No handle of this process may survive on the old file.
	db.SetMaxIdleConns(0)
	defer db.SetMaxIdleConns(2)
	if err := quiesce(ctx, live); err != nil {
		return err
	}
	return tmp.Commit()
}

// quiesce checkpoints and closes the live database (a resolved path),
// then checks nobody else holds it open.
func quiesce(ctx context.Context, live string) error {
	c, err := database.Open(ctx, database.Target{Kind: database.SQLite, Path: live}, database.OpenOptions{BusyTimeout: 5 * time.Second})
	if err != nil {
		return err
	}
	_, err = c.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", live, err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(live + suffix); err == nil {
			return fmt.Errorf("%s%s exists: another process has the database open; stop the services using it (the runbook's step 1) and retry",
				live, suffix)
		}
	}
	return nil
}
