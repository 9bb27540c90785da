package database_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

func TestBulkCursorInserterSuspend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		for _, pk := range []bool{false, true} {
			for _, raw := range []bool{false, true} {
				t.Run(fmt.Sprintf("primary key %v raw %v", pk, raw), func(t *testing.T) { testBulk(t, db, pk, raw) })
			}
		}
	})
}

// bulkName is row i's name: every character COPY's text format escapes.
func bulkName(i int) string { return fmt.Sprintf("it's \"%d\"\t\\N\r\n\\", i) }

// testBulk fills src, suspends dst's indexes, copies src to dst through a
// cursor and restores them. raw: the transaction runs on a connection the
// inserters also get, so PostgreSQL writes COPY text itself.
func testBulk(t *testing.T, db *database.DB, pk, raw bool) {
	ctx := context.Background()
	for _, s := range []string{`DROP TABLE IF EXISTS ref`, `DROP TABLE IF EXISTS dst`, `DROP TABLE IF EXISTS src`} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{
		`CREATE TABLE src (id INTEGER PRIMARY KEY, name TEXT, kind TEXT, n INTEGER)`,
		`CREATE TABLE dst (id INTEGER PRIMARY KEY, name VARCHAR(50) UNIQUE NOT NULL, src_id INTEGER REFERENCES src(id) ON DELETE CASCADE, tag TEXT)`,
		`CREATE INDEX idx_dst_src ON dst(src_id)`,
		// Another table's foreign keys lean on dst's primary key and on
		// its unique name: suspending them must not fail, and they come
		// back.
		`CREATE TABLE ref (id INTEGER PRIMARY KEY, dst_id INTEGER REFERENCES dst(id) ON DELETE CASCADE,
			dst_name VARCHAR(50) REFERENCES dst(name) ON DELETE SET NULL)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	const n = 1234
	w, err := database.BeginWrite(ctx, db, database.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tx := w.Tx()
	var rc database.RawConn
	if raw {
		rc = w.Raw()
	}
	// Shared values: every row gets them without carrying them, through
	// SQLite's multi-row statement (1234 rows at once) and its one-row one
	// (dst's batches of 100), and PostgreSQL's COPY text and COPY rows.
	src, err := db.Dialect.NewInserter(ctx, tx, rc, "src", []string{"id", "name"},
		[]database.Shared{{Column: "kind", Value: "it's\tshared"}, {Column: "n", Value: int64(7)}})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for i := 1; i <= n; i++ {
		rows = append(rows, []any{i, bulkName(i)})
	}
	if err := src.Insert(ctx, rows); err != nil {
		t.Fatal(err)
	}
	src.Close()
	before, _ := db.Dialect.Indexes(ctx, tx, "dst")
	refsBefore, _ := db.Dialect.ForeignKeys(ctx, tx, "ref")
	if len(refsBefore) != 2 {
		t.Fatalf("ref's foreign keys = %+v, want 2", refsBefore)
	}
	restore, err := db.Dialect.SuspendIndexes(ctx, tx, "dst", pk)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := db.Dialect.OpenCursor(ctx, tx, `SELECT id, name FROM src ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := db.Dialect.NewInserter(ctx, tx, rc, "dst", []string{"id", "name", "src_id"}, []database.Shared{{Column: "tag", Value: "d"}})
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
			if want := bulkName(id); name != want {
				return fmt.Errorf("row %d name %q, want %q", id, name, want)
			}
			if walk == 1 {
				var srcID any = id
				if id%7 == 0 {
					srcID = nil
				}
				batch = append(batch, []any{id, name, srcID})
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
	if refs, _ := db.Dialect.ForeignKeys(ctx, tx, "ref"); !slices.Equal(refs, refsBefore) {
		t.Errorf("ref's foreign keys after restore = %+v, before = %+v", refs, refsBefore)
	}
	// ... and hold: a row pointing at no dst row is refused.
	for _, bad := range []string{`INSERT INTO ref (id, dst_id) VALUES (1, -5)`, `INSERT INTO ref (id, dst_name) VALUES (2, 'nobody')`} {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT bad`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, bad); err == nil || !db.Dialect.IsConstraintError(err) {
			t.Errorf("%s after restore: %v, want a constraint error", bad, err)
		}
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT bad`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO ref (id, dst_id, dst_name) VALUES (3, 1, ?)`), bulkName(1)); err != nil {
		t.Errorf("a row pointing at dst's first row: %v", err)
	}
	var count, nulls, tagged, shared int
	if err := tx.QueryRowxContext(ctx, `SELECT COUNT(*), COUNT(*) - COUNT(src_id), COUNT(*) FILTER (WHERE tag = 'd') FROM dst`).Scan(&count, &nulls, &tagged); err != nil || count != n || nulls != n/7 || tagged != n {
		t.Fatalf("dst rows = %d with %d NULL src_id and %d tagged (want %d, %d, %d), %v", count, nulls, tagged, n, n/7, n, err)
	}
	if err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT COUNT(*) FROM src WHERE kind = ? AND n = 7`), "it's\tshared").Scan(&shared); err != nil || shared != n {
		t.Fatalf("src rows with the shared values = %d, want %d (%v)", shared, n, err)
	}
	// The rebuilt unique constraint holds.
	// The rebuilt unique constraint and primary key hold, and the
	// dialect names the error a constraint violation.
	for _, dup := range []struct {
		id   int
		name string
	}{{n + 1, bulkName(1)}, {1, "fresh"}} {
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

// TestSiblingCursorSharesSnapshot: a sibling cursor reads what the writing
// transaction saw when it was opened — neither the transaction's own
// uncommitted rows nor rows other connections commit afterwards — while the
// transaction goes on writing. SQLite has no sibling.
func TestSiblingCursorSharesSnapshot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		for _, s := range []string{`DROP TABLE IF EXISTS sib`, `CREATE TABLE sib (id INTEGER PRIMARY KEY)`, `INSERT INTO sib (id) VALUES (1), (2), (3)`} {
			if _, err := db.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `INSERT INTO sib (id) VALUES (10)`); err != nil {
			t.Fatal(err)
		}
		cur, err := db.Dialect.OpenSiblingCursor(ctx, tx, db, `SELECT id FROM sib ORDER BY id`)
		if tg.Kind == database.SQLite {
			if !errors.Is(err, errors.ErrUnsupported) {
				t.Fatalf("SQLite sibling: err = %v, want ErrUnsupported", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		defer cur.Close(ctx)
		if _, err := db.Exec(`INSERT INTO sib (id) VALUES (20)`); err != nil { // committed after the export
			t.Fatal(err)
		}
		var got []int
		err = cur.Each(ctx, 2, func(r *sqlx.Rows) error {
			var id int
			if err := r.Scan(&id); err != nil {
				return err
			}
			got = append(got, id)
			// The writer is free while the sibling streams.
			_, err := tx.ExecContext(ctx, `INSERT INTO sib (id) VALUES ($1)`, 100+id)
			return err
		}, func() error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("sibling read %v, want [1 2 3]", got)
		}
		if err := cur.Close(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM sib`); err != nil || n != 8 {
			t.Errorf("writer sees %d rows (%v), want 8", n, err)
		}
		// A pool whose one connection the writer holds has none to spare:
		// ErrNoSibling at once, not a wait, and the writer goes on.
		db.SetMaxOpenConns(1)
		defer db.SetMaxOpenConns(0)
		if _, err := db.Dialect.OpenSiblingCursor(ctx, tx, db, `SELECT id FROM sib`); !errors.Is(err, database.ErrNoSibling) {
			t.Fatalf("sibling from a full pool: err = %v, want ErrNoSibling", err)
		}
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM sib`); err != nil || n != 8 {
			t.Errorf("writer after a refused sibling: %d rows, %v", n, err)
		}
	})
}

// TestSiblingCursorStreamsInIndexOrder: a sibling stream ordered by an
// indexed column reads the index rather than sorting the whole table first,
// even when the table has no statistics (the planner's choice then is a
// sort: at 1M rows, a second before the first row).
func TestSiblingCursorStreamsInIndexOrder(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, dbtest.Postgres(t))
	// Wide declared columns, as a legacy table has: without statistics the
	// planner estimates few, wide rows and sorts them (checked: it does at
	// this size when sorts are allowed).
	for _, s := range []string{`CREATE TABLE sib (id INTEGER PRIMARY KEY, email VARCHAR(320), pad TEXT)`,
		`INSERT INTO sib SELECT n, 'user' || n || '@example.org', repeat('x', 60) FROM generate_series(1, 200000) AS n`} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	plan := func(t *testing.T, query string) string {
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		cur, err := db.Dialect.OpenSiblingCursor(ctx, tx, db, `EXPLAIN `+query)
		if err != nil {
			t.Fatal(err)
		}
		defer cur.Close(ctx)
		var lines []string
		err = cur.Each(ctx, 100, func(r *sqlx.Rows) error {
			var l string
			err := r.Scan(&l)
			lines = append(lines, l)
			return err
		}, func() error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	if p := plan(t, `SELECT id, email, pad FROM sib ORDER BY id`); strings.Contains(p, "Sort") || !strings.Contains(p, "Index Scan using sib_pkey") {
		t.Errorf("ordered by its key, the stream's plan is\n%s\nwant an index scan and no sort", p)
	}
	// Without an index on the order, the rows are still sorted.
	if p := plan(t, `SELECT id, email, pad FROM sib ORDER BY email`); !strings.Contains(p, "Sort") {
		t.Errorf("ordered by an unindexed column, the stream's plan is\n%s\nwant a sort", p)
	}
}
