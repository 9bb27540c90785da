package backup

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestSQLiteBackupWhileWriting takes a backup while another connection
// keeps committing pairs of rows (one in each of two tables per
// transaction). The copy must pass integrity_check and hold whole
// transactions only: every row of a has its partner in b.
func TestSQLiteBackupWhileWriting(t *testing.T) {
	oldStep := stepPages
	stepPages = 1 // many steps, so the writer interleaves and restarts the copy
	t.Cleanup(func() { stepPages = oldStep })

	for _, mode := range []string{"delete", "wal"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			tg := dbtest.SQLite(t)
			db := openDB(t, tg)
			if _, err := db.ExecContext(ctx, `PRAGMA journal_mode=`+mode); err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, `CREATE TABLE a (id INTEGER PRIMARY KEY, pad TEXT)`)
			mustExec(t, db, `CREATE TABLE b (id INTEGER PRIMARY KEY, pad TEXT)`)
			pad := strings.Repeat("x", 500)
			mustExec(t, db, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
				INSERT INTO a SELECT i, ? FROM n`, pad)
			mustExec(t, db, `INSERT INTO b SELECT * FROM a`)

			writer, err := database.Open(ctx, tg, database.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer writer.Close()
			stop := make(chan struct{})
			started := make(chan struct{})
			var wg sync.WaitGroup
			var once sync.Once
			var written int
			var werr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer once.Do(func() { close(started) })
				for id := 1000; ; id++ {
					select {
					case <-stop:
						return
					default:
					}
					if err := insertPair(ctx, writer.DB, id, pad); err != nil {
						werr = err
						return
					}
					written++
					if written == 5 {
						once.Do(func() { close(started) })
					}
				}
			}()
			<-started
			dir := t.TempDir()
			m, err := Create(ctx, db, Options{Dir: dir, Version: "test"})
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatalf("backup while writing: %v", err)
			}
			if werr != nil {
				t.Fatalf("writer: %v", werr)
			}

			if _, err := Verify(ctx, dir, m.ID, ""); err != nil {
				t.Fatalf("verify: %v", err)
			}
			cp, err := openSQLiteCopy(ctx, dbFilePath(t, dir, m))
			if err != nil {
				t.Fatal(err)
			}
			defer cp.Close()
			if err := sqliteIntegrity(ctx, cp); err != nil {
				t.Fatalf("copy: %v", err)
			}
			var na, nb, orphans int
			if err := cp.GetContext(ctx, &na, `SELECT COUNT(*) FROM a`); err != nil {
				t.Fatal(err)
			}
			if err := cp.GetContext(ctx, &nb, `SELECT COUNT(*) FROM b`); err != nil {
				t.Fatal(err)
			}
			if err := cp.GetContext(ctx, &orphans,
				`SELECT COUNT(*) FROM a FULL OUTER JOIN b USING (id) WHERE a.id IS NULL OR b.id IS NULL`); err != nil {
				t.Fatal(err)
			}
			if na != nb || orphans != 0 || na < 405 || na > 400+written {
				t.Fatalf("copy holds a=%d b=%d orphans=%d; writer committed %d pairs after 400", na, nb, orphans, written)
			}
		})
	}
}

func insertPair(ctx context.Context, db *sqlx.DB, id int, pad string) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after commit
	for _, table := range []string{"a", "b"} {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s VALUES (?, ?)`, table), id, pad); err != nil {
			return err
		}
	}
	return tx.Commit()
}
