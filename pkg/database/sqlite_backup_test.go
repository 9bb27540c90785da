package database_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// A stepwise copy ends with every row, and progress reaches the total
// without going past it.
func TestOnlineBackupCopiesInSteps(t *testing.T) {
	ctx := context.Background()
	src := dbtest.Open(t, dbtest.SQLite(t))
	if _, err := src.ExecContext(ctx, `CREATE TABLE t (x TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if _, err := src.ExecContext(ctx, `INSERT INTO t VALUES (?)`, strings.Repeat("x", 500)); err != nil {
			t.Fatal(err)
		}
	}
	dstTarget := database.Target{Kind: database.SQLite, Path: filepath.Join(t.TempDir(), "copy.db")}
	dst, err := database.Open(ctx, dstTarget, database.OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var calls, last, total int
	err = database.OnlineBackup(ctx, src, dst, database.OnlineBackupOptions{StepPages: 2, MaxRestarts: 3,
		Progress: func(copied, all int) { calls, last, total = calls+1, copied, all }})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 2 || last != total || total == 0 {
		t.Errorf("progress: %d calls, last %d of %d; want several steps ending at the total", calls, last, total)
	}
	var n int
	if err := dst.GetContext(ctx, &n, `SELECT COUNT(*) FROM t`); err != nil || n != 200 {
		t.Errorf("copy holds %d rows (%v), want 200", n, err)
	}
}

func TestOnlineBackupIsSQLiteOnly(t *testing.T) {
	ctx := context.Background()
	src := dbtest.Open(t, dbtest.SQLite(t))
	pg := dbtest.Open(t, dbtest.Postgres(t))
	if err := database.OnlineBackup(ctx, src, pg, database.OnlineBackupOptions{}); err == nil || !strings.Contains(err.Error(), "SQLite only") {
		t.Errorf("OnlineBackup into PostgreSQL: %v, want a refusal", err)
	}
}
