package backup

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// stepPages is how many pages one backup step copies; between steps other
// connections may write. A variable so tests can force many steps.
var stepPages = 4096

// maxRestarts is how often a stepwise copy may be restarted by writers
// before the rest is copied in one step under a single read lock.
var maxRestarts = 3

func createSQLite(ctx context.Context, db *database.DB, work, id string, m *Manifest, o Options) (File, error) {
	abs, err := realPath(db.Target.Path)
	if err != nil {
		return File{}, err
	}
	m.Database = DBInfo{Kind: database.SQLite, Identity: abs, Display: db.Target.Redacted(), Format: FormatSQLite}
	name := dbFileName(id, "db")
	dest := filepath.Join(work, name)
	fh, err := createFile(dest) // 0600 before SQLite writes into it
	if err != nil {
		return File{}, err
	}
	fh.Close()
	if err := onlineBackup(ctx, db, dest, o); err != nil {
		return File{}, fmt.Errorf("sqlite online backup of %s: %w", db.Target.Path, err)
	}
	// The checksum is computed while integrity_check reads the copy: both
	// only read the finished file, so the hashing hides behind the longer
	// check.
	hashed := make(chan hashResult, 1)
	go func() {
		f, err := finishDBFile(work, name)
		hashed <- hashResult{f, err}
	}()
	if err := checkSQLiteCopy(ctx, db, dest, m); err != nil {
		<-hashed // the copy is removed on return: let the reader finish first
		return File{}, err
	}
	h := <-hashed
	return h.file, h.err
}

type hashResult struct {
	file File
	err  error
}

// checkSQLiteCopy runs integrity_check on the copy and describes it:
// everything the manifest says about the content is read from the copy.
func checkSQLiteCopy(ctx context.Context, db *database.DB, dest string, m *Manifest) error {
	cp, err := openSQLiteCopy(ctx, dest)
	if err != nil {
		return err
	}
	defer cp.Close()
	if err := sqliteIntegrity(ctx, cp); err != nil {
		return fmt.Errorf("backup copy of %s: %w", db.Target.Path, err)
	}
	return describe(ctx, cp, db.Dialect, m)
}

// describe records the server version, tables and row counts seen by q.
func describe(ctx context.Context, q sqlx.QueryerContext, d database.Core, m *Manifest) error {
	v, err := d.ServerVersion(ctx, q)
	if err != nil {
		return fmt.Errorf("server version: %w", err)
	}
	m.Database.ServerVersion = v
	tables, err := d.Tables(ctx, q)
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	m.Database.Tables = append([]string{}, tables...)
	m.Database.Empty = len(tables) == 0
	for _, t := range CountedTables() {
		if !contains(tables, t) {
			continue
		}
		var n int64
		if err := sqlx.GetContext(ctx, q, &n, `SELECT COUNT(*) FROM `+d.QuoteIdent(t)); err != nil {
			return fmt.Errorf("count %s: %w", t, err)
		}
		m.RowCounts[t] = n
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// onlineBackup copies the live database into dest (an empty file) page
// by page, reporting progress in pages.
func onlineBackup(ctx context.Context, src *database.DB, dest string, o Options) error {
	dst, err := database.Open(ctx, database.Target{Kind: database.SQLite, Path: dest}, database.OpenOptions{})
	if err != nil {
		return err
	}
	defer dst.Close()
	var bar Progress
	copied := 0
	defer func() {
		if bar != nil {
			bar.Finish()
		}
	}()
	return database.OnlineBackup(ctx, src, dst, database.OnlineBackupOptions{
		StepPages: stepPages, MaxRestarts: maxRestarts,
		Progress: func(now, total int) {
			if bar == nil {
				bar = o.progress(int64(total), "backup (pages)")
			}
			if now > copied {
				bar.Add(now - copied)
				copied = now
			}
		},
	})
}

// openSQLiteCopy opens a backup copy read-only and immutable: no lock, no
// -wal or -shm file appears next to it.
func openSQLiteCopy(ctx context.Context, path string) (*database.DB, error) {
	return database.Open(ctx, database.Target{Kind: database.SQLite, Path: path}, database.OpenOptions{Immutable: true})
}

// sqliteIntegrity runs PRAGMA integrity_check and fails unless it says ok.
func sqliteIntegrity(ctx context.Context, q sqlx.QueryerContext) error {
	var msgs []string
	if err := sqlx.SelectContext(ctx, q, &msgs, `PRAGMA integrity_check`); err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return nil
	}
	if len(msgs) > 5 {
		msgs = append(msgs[:5], "…")
	}
	return fmt.Errorf("integrity_check failed: %s", strings.Join(msgs, "; "))
}
