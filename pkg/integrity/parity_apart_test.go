package integrity_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
)

var parityChecks = []string{"parity.legacy_rows", "parity.mapped_values"}

// moveLegacy copies legacy_users (id, email, username, password_hash) from
// db into a fresh database of kind src, then drops it from db: the
// verified database then holds no legacy table, only the source does.
func moveLegacy(t *testing.T, db *database.DB, src database.Target) *database.DB {
	t.Helper()
	sdb := dbtest.Open(t, src)
	integritytest.Exec(t, sdb, `CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320), username VARCHAR(200),
		password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`)
	rows, err := db.Queryx(`SELECT id, email, username, password_hash FROM legacy_users`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var email, name, hash sql.NullString
		if err := rows.Scan(&id, &email, &name, &hash); err != nil {
			t.Fatal(err)
		}
		integritytest.Exec(t, sdb, `INSERT INTO legacy_users (id, email, username, password_hash) VALUES (?, ?, ?, ?)`, id, email, name, hash)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	integritytest.Exec(t, db, `DROP TABLE legacy_users`)
	return sdb
}

// sourceSnapshot reopens a source read-only and begins its snapshot, as
// --source-url does.
func sourceSnapshot(t *testing.T, tg database.Target) *database.Snapshot {
	t.Helper()
	ctx := context.Background()
	sdb, err := database.Open(ctx, tg, database.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sdb.Close() })
	snap, err := sdb.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = snap.Close() })
	return snap
}

// TestParityApartMatchesOneDatabase is the property that lets verify read
// the legacy table from another database: for the same data, the merge
// pass reports what the single-database join reports — the same status,
// count and examples (in the same order) for each parity check — with a
// source on SQLite and on PostgreSQL, for a clean migration and for each
// planted difference on either side.
func TestParityApartMatchesOneDatabase(t *testing.T) {
	cases := []struct {
		name  string
		plant []string
		// fails is the one parity check the plant must fail ("" = none).
		fails string
	}{
		{name: "clean"},
		{name: "legacy email changed", plant: []string{`UPDATE legacy_users SET email = 'alice.other@example.com' WHERE id = 1`},
			fails: "parity.mapped_values"},
		{name: "migrated user deleted", plant: []string{`DELETE FROM auth_users WHERE email = 'bob@example.com'`},
			fails: "parity.legacy_rows"},
		{name: "legacy row added", plant: []string{`INSERT INTO legacy_users (id, email, username) VALUES (7, 'ivan@example.com', 'ivan')`},
			fails: "parity.legacy_rows"},
		{name: "migrated legacy row deleted", plant: []string{`DELETE FROM legacy_users WHERE id = 2`},
			fails: "parity.mapped_values"},
		{name: "reject without its row", plant: []string{`DELETE FROM legacy_users WHERE id = 5`}},
	}
	// Many unaccounted rows whose id order (7, 8, 9, 10, …) and byte order
	// ("10", "11", …, "7") differ, with more of them than examples shown,
	// and mismatches of both kinds.
	many := []string{`UPDATE auth_users SET password_hash = 'changed' WHERE email IN ('alice@example.com', 'dave@example.com')`,
		`UPDATE legacy_users SET email = 'someone@example.com' WHERE id IN (1, 2)`}
	for id := 7; id <= 30; id++ {
		many = append(many, fmt.Sprintf(`INSERT INTO legacy_users (id, email, username) VALUES (%d, 'u%d@example.com', 'u%d')`, id, id, id))
	}
	cases = append(cases, struct {
		name  string
		plant []string
		fails string
	}{name: "many differences", plant: many})

	for _, pair := range []struct {
		name        string
		target, src func(testing.TB) database.Target
	}{
		{"sqlite_to_postgres", dbtest.Postgres, dbtest.SQLite},
		{"postgres_to_postgres", dbtest.Postgres, dbtest.Postgres},
		{"postgres_to_sqlite", dbtest.SQLite, dbtest.Postgres},
		{"sqlite_to_sqlite", dbtest.SQLite, dbtest.SQLite},
	} {
		t.Run(pair.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					ctx := context.Background()
					db := dbtest.Open(t, pair.target(t))
					integritytest.Migrated(t, db)
					for _, q := range c.plant {
						integritytest.Exec(t, db, q)
					}
					opts := integrity.Options{Only: parityChecks, ExampleLimit: 5}
					one, _ := integrity.Run(ctx, db, db.Dialect, opts)
					if len(one.Checks) != 2 {
						t.Fatalf("single-database parity: %+v", one.Checks)
					}

					srcTarget := pair.src(t)
					moveLegacy(t, db, srcTarget)
					opts.Source.From = sourceSnapshot(t, srcTarget)
					apart, err := integrity.Run(ctx, db, db.Dialect, opts)
					if err != nil && !errors.Is(err, integrity.ErrVerifyFailed) {
						t.Fatalf("apart: %v", err)
					}
					for i := range one.Checks {
						o, a := one.Checks[i], apart.Checks[i]
						if o.Status != a.Status || o.Count != a.Count || !reflect.DeepEqual(o.Examples, a.Examples) {
							t.Errorf("%s differs:\n one database: %s %d %+v\n across:       %s %d %+v",
								o.ID, o.Status, o.Count, o.Examples, a.Status, a.Count, a.Examples)
						}
					}
					if c.fails != "" {
						if got := apart.FailedIDs(); !reflect.DeepEqual(got, []string{c.fails}) {
							t.Errorf("failed checks = %v, want exactly %s", got, c.fails)
						}
					}
					if c.name == "many differences" && (apart.Checks[0].Count != 24 || apart.Checks[1].Count != 3) {
						t.Errorf("counts = %d, %d; want 24 unaccounted and 3 mismatched", apart.Checks[0].Count, apart.Checks[1].Count)
					}
				})
			}
		})
	}
}
