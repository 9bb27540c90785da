package database_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

func TestBulkCursorInserterSuspend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		for _, pk := range []bool{false, true} {
			t.Run(fmt.Sprintf("primary key %v", pk), func(t *testing.T) { testBulk(t, db, pk) })
		}
	})
}

func testBulk(t *testing.T, db *database.DB, pk bool) {
	ctx := context.Background()
	for _, s := range []string{`DROP TABLE IF EXISTS dst`, `DROP TABLE IF EXISTS src`} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{
		`CREATE TABLE src (id INTEGER PRIMARY KEY, name TEXT)`,
		`CREATE TABLE dst (id INTEGER PRIMARY KEY, name VARCHAR(50) UNIQUE NOT NULL, src_id INTEGER REFERENCES src(id) ON DELETE CASCADE)`,
		`CREATE INDEX idx_dst_src ON dst(src_id)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	const n = 1234
	tx := db.MustBeginTx(ctx, nil)
	defer tx.Rollback()
	src, err := db.Dialect.NewInserter(ctx, tx, "src", []string{"id", "name"})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for i := 1; i <= n; i++ {
		rows = append(rows, []any{i, fmt.Sprintf("it's \"%d\"\t\\N", i)})
	}
	if err := src.Insert(ctx, rows); err != nil {
		t.Fatal(err)
	}
	src.Close()
	before, _ := db.Dialect.Indexes(ctx, tx, "dst")
	restore, err := db.Dialect.SuspendIndexes(ctx, tx, "dst", pk)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := db.Dialect.OpenCursor(ctx, tx, `SELECT id, name FROM src ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := db.Dialect.NewInserter(ctx, tx, "dst", []string{"id", "name", "src_id"})
	if err != nil {
		t.Fatal(err)
	}
	for walk := range 2 { // the cursor rewinds: the second walk sees the same rows
		var batch [][]any
		seen := 0
		err := cur.Each(ctx, 100, func(r *sqlx.Rows) error {
			var id int
			var name string
			if err := r.Scan(&id, &name); err != nil {
				return err
			}
			seen++
			if want := fmt.Sprintf("it's \"%d\"\t\\N", id); name != want {
				return fmt.Errorf("row %d name %q, want %q", id, name, want)
			}
			if walk == 1 {
				batch = append(batch, []any{id, name, id})
			}
			return nil
		}, func() error {
			err := dst.Insert(ctx, batch)
			batch = batch[:0]
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if seen != n {
			t.Fatalf("walk %d saw %d rows, want %d", walk, seen, n)
		}
	}
	if err := cur.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := restore(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := db.Dialect.Indexes(ctx, tx, "dst")
	if !slices.EqualFunc(before, after, func(a, b database.Index) bool {
		return a.Name == b.Name && a.Unique == b.Unique && slices.Equal(a.Columns, b.Columns)
	}) {
		t.Errorf("indexes after restore = %+v, before = %+v", after, before)
	}
	fks, _ := db.Dialect.ForeignKeys(ctx, tx, "dst")
	if len(fks) != 1 || fks[0].OnDelete != "CASCADE" {
		t.Errorf("foreign keys after restore = %+v", fks)
	}
	var count int
	if err := tx.GetContext(ctx, &count, `SELECT COUNT(*) FROM dst`); err != nil || count != n {
		t.Fatalf("dst rows = %d, %v", count, err)
	}
	// The rebuilt unique constraint holds.
	// The rebuilt unique constraint and primary key hold, and the
	// dialect names the error a constraint violation.
	for _, dup := range []struct {
		id   int
		name string
	}{{n + 1, "it's \"1\"\t\\N"}, {1, "fresh"}} {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT dup`); err != nil {
			t.Fatal(err)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO dst (id, name) VALUES (?, ?)`), dup.id, dup.name)
		if err == nil || !db.Dialect.IsConstraintError(err) {
			t.Errorf("duplicate %+v after restore: %v, want a constraint error", dup, err)
		}
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT dup`); err != nil {
			t.Fatal(err)
		}
	}
	if db.Dialect.IsConstraintError(fmt.Errorf("not a database error")) {
		t.Error("a plain error is a constraint error")
	}
}
