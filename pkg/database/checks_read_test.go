package database_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

func mustExec(t *testing.T, q sqlx.ExecerContext, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := q.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestConcurrentReadPassSharesOneSnapshot: every reader is its own
// read-only REPEATABLE READ transaction on its own connection, with the
// pass's settings, and reads the exporter's snapshot: a row committed
// after the export and before the imports is seen by none of them.
func TestConcurrentReadPassSharesOneSnapshot(t *testing.T) {
	db := dbtest.Open(t, dbtest.Postgres(t))
	ctx := context.Background()
	mustExec(t, db, `CREATE TABLE seen (n INT)`, `INSERT INTO seen VALUES (1)`)
	passes, end, err := database.SharedSnapshotPass(ctx, db, 3, func() {
		mustExec(t, db, `INSERT INTO seen VALUES (2)`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(passes) != 3 {
		t.Fatalf("%d readers, want 3", len(passes))
	}
	pids := map[int]bool{}
	for i, p := range passes {
		var got struct {
			Rows      int    `db:"rows"`
			PID       int    `db:"pid"`
			WorkMem   string `db:"work_mem"`
			JIT       string `db:"jit"`
			ReadOnly  string `db:"read_only"`
			Isolation string `db:"isolation"`
		}
		if err := sqlx.GetContext(ctx, p, &got, `SELECT (SELECT count(*) FROM seen) AS rows, pg_backend_pid() AS pid,
			current_setting('work_mem') AS work_mem, current_setting('jit') AS jit,
			current_setting('transaction_read_only') AS read_only,
			current_setting('transaction_isolation') AS isolation`); err != nil {
			t.Fatalf("reader %d: %v", i, err)
		}
		if got.Rows != 1 {
			t.Errorf("reader %d sees %d rows, want 1 (the exporter's snapshot)", i, got.Rows)
		}
		if got.WorkMem != "256MB" || got.JIT != "off" || got.ReadOnly != "on" || got.Isolation != "repeatable read" {
			t.Errorf("reader %d: %+v", i, got)
		}
		pids[got.PID] = true
	}
	if len(pids) != 3 {
		t.Errorf("readers share connections: backends %v", pids)
	}
	var now int
	if err := db.GetContext(ctx, &now, `SELECT count(*) FROM seen`); err != nil || now != 2 {
		t.Fatalf("outside the pass: %d rows (err %v), want 2", now, err)
	}
	if err := end(); err != nil {
		t.Fatalf("end: %v", err)
	}
	if busy := dbtest.BusySessions(t, db); len(busy) != 0 {
		t.Errorf("sessions still busy or in a transaction after end: %q", busy)
	}
}

// TestConcurrentReadPassFallsBackToOneReader: where readers cannot share a
// snapshot on connections of their own, the pass is ReadPass's one reader.
func TestConcurrentReadPassFallsBackToOneReader(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	one := func(t *testing.T, db *database.DB, q sqlx.QueryerContext) sqlx.QueryerContext {
		t.Helper()
		passes, end, err := db.Dialect.ConcurrentReadPass(ctx, q, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := end(); err != nil {
				t.Errorf("end: %v", err)
			}
		}()
		if len(passes) != 1 {
			t.Fatalf("%d readers, want 1", len(passes))
		}
		var n int
		if err := sqlx.GetContext(ctx, passes[0], &n, `SELECT count(*) FROM seen`); err != nil || n != 1 {
			t.Fatalf("read: %d rows, %v", n, err)
		}
		return passes[0]
	}
	t.Run("sqlite pool of one connection", func(t *testing.T) {
		db := dbtest.Open(t, dbtest.SQLite(t))
		mustExec(t, db, `CREATE TABLE seen (n INT)`, `INSERT INTO seen VALUES (1)`)
		one(t, db, db)
	})
	tg := dbtest.Postgres(t)
	db := dbtest.Open(t, tg)
	mustExec(t, db, `CREATE TABLE seen (n INT)`, `INSERT INTO seen VALUES (1)`)
	t.Run("caller's transaction", func(t *testing.T) {
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if got := one(t, db, tx); got != sqlx.QueryerContext(tx) {
			t.Errorf("the pass must read in the caller's transaction, got %T", got)
		}
	})
	t.Run("pool of one connection", func(t *testing.T) {
		small := dbtest.Open(t, tg)
		small.SetMaxOpenConns(1)
		one(t, small, small) // and does not wait for a second connection
	})
	t.Run("export refused", func(t *testing.T) {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		role := "dhmig_t_reader_" + hex.EncodeToString(b)
		mustExec(t, db, `CREATE ROLE `+role+` LOGIN`, `GRANT SELECT ON seen TO `+role,
			`REVOKE EXECUTE ON FUNCTION pg_export_snapshot() FROM PUBLIC`)
		t.Cleanup(func() { mustExec(t, db, `DROP OWNED BY `+role, `DROP ROLE `+role) })
		rtg := tg
		rtg.User, rtg.Password = role, ""
		reader := dbtest.Open(t, rtg)
		one(t, reader, reader)
		if busy := dbtest.BusySessions(t, db); len(busy) != 0 {
			t.Errorf("sessions still busy or in a transaction: %q", busy)
		}
	})
}

// TestSQLiteConcurrentReadPass: a SQLite pool allowed two connections gives
// two readers on connections of their own, each memory-mapped for the pass
// only.
func TestSQLiteConcurrentReadPass(t *testing.T) {
	db := dbtest.Open(t, dbtest.SQLite(t))
	db.SetMaxOpenConns(2)
	ctx := context.Background()
	mustExec(t, db, `CREATE TABLE seen (n INT)`, `INSERT INTO seen VALUES (1)`)
	passes, end, err := db.Dialect.ConcurrentReadPass(ctx, db, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(passes) != 2 {
		t.Fatalf("%d readers, want 2 (the pool's cap)", len(passes))
	}
	// A TEMP table belongs to one connection: the other reader cannot see it.
	if _, err := passes[0].(sqlx.ExecerContext).ExecContext(ctx, `CREATE TEMP TABLE mine (n INT)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := sqlx.GetContext(ctx, passes[1], &n, `SELECT count(*) FROM sqlite_temp_master WHERE name = 'mine'`); err != nil || n != 0 {
		t.Fatalf("readers share a connection: %d, %v", n, err)
	}
	for i, p := range passes {
		var mmap int64
		if err := sqlx.GetContext(ctx, p, &mmap, `PRAGMA mmap_size`); err != nil || mmap < 1<<20 {
			t.Errorf("reader %d: mmap_size %d, %v", i, mmap, err)
		}
	}
	if err := end(); err != nil {
		t.Fatalf("end: %v", err)
	}
	for i := range 2 {
		c, err := db.Connx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var mmap int64
		if err := c.GetContext(ctx, &mmap, `PRAGMA mmap_size`); err != nil || mmap >= 1<<20 {
			t.Errorf("connection %d after the pass: mmap_size %d, %v", i, mmap, err)
		}
	}
}
