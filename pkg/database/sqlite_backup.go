package database

import (
	"context"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// OnlineBackupOptions tune OnlineBackup.
type OnlineBackupOptions struct {
	// StepPages is how many pages one step copies; between steps other
	// connections may write. Zero or less copies everything in one step.
	StepPages int
	// MaxRestarts is how often writers may restart a stepwise copy before
	// the rest is copied in one step, holding a read lock meanwhile.
	MaxRestarts int
	// Progress, if set, is told the pages copied so far and the total after
	// each step; a restarted copy reports fewer pages than before.
	Progress func(copied, total int)
}

// OnlineBackup copies the live SQLite database src into dst, an open SQLite
// database (normally a new empty file), with SQLite's online backup API:
// a consistent copy even while other connections write, never a plain file
// copy.
func OnlineBackup(ctx context.Context, src, dst *DB, o OnlineBackupOptions) error {
	if src.Target.Kind != SQLite || dst.Target.Kind != SQLite {
		return fmt.Errorf("online backup: SQLite only, not %s to %s", src.Target.Kind, dst.Target.Kind)
	}
	srcConn, err := src.Conn(ctx)
	if err != nil {
		return err
	}
	defer srcConn.Close()
	dstConn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dstConn.Close()
	return dstConn.Raw(func(d any) error {
		dc, ok := d.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("unexpected sqlite driver connection %T", d)
		}
		return srcConn.Raw(func(s any) error {
			sc, ok := s.(*sqlite3.SQLiteConn)
			if !ok {
				return fmt.Errorf("unexpected sqlite driver connection %T", s)
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			if err := stepBackup(ctx, b, o); err != nil {
				b.Close()
				return err
			}
			return b.Finish()
		})
	})
}

// stepBackup runs the backup's steps to the end. A writer on another
// connection makes SQLite restart the copy; after MaxRestarts the rest goes
// in one step.
func stepBackup(ctx context.Context, b *sqlite3.SQLiteBackup, o OnlineBackupOptions) error {
	progress := o.Progress
	if progress == nil {
		progress = func(int, int) {}
	}
	restarts, last := 0, -1
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := o.StepPages
		if n <= 0 || restarts >= o.MaxRestarts {
			n = -1
		}
		done, err := b.Step(n)
		if err != nil {
			return err
		}
		total, remaining := b.PageCount(), b.Remaining()
		progress(total-remaining, total)
		if done {
			return nil
		}
		switch {
		case last >= 0 && remaining > last: // another connection wrote: SQLite restarted the copy
			restarts++
		case remaining == last: // busy: let the writer finish
			time.Sleep(10 * time.Millisecond)
		}
		last = remaining
	}
}
