package cli_test

import (
	"encoding/json"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestDryRunThenExecuteInProcess runs the operator's day in process on both
// engines: a dry run that says what would happen and writes nothing, the
// execution, verify passing, and a re-run that finds nothing to migrate.
func TestDryRunThenExecuteInProcess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		if _, err := db.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320),
			username VARCHAR(200), password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`); err != nil {
			t.Fatal(err)
		}
		h, _ := bcrypt.GenerateFromPassword([]byte("pw"), 4)
		ins := db.Rebind(`INSERT INTO legacy_users VALUES (?, ?, ?, ?, ?, ?)`)
		for _, r := range [][]any{
			{1, "Ann@Example.com ", "ann", string(h), "2023-01-01 10:00:00", db.Dialect.Bool(true)},
			{2, "ben@example.com", "ben", nil, "2023-01-02 10:00:00", db.Dialect.Bool(false)},
			{3, "not-an-email", "cat", string(h), nil, db.Dialect.Bool(true)},
		} {
			if _, err := db.Exec(ins, r...); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}

		type copyDoc struct {
			DryRun   bool             `json:"dry_run"`
			RowsRead int64            `json:"rows_read"`
			Migrated int64            `json:"migrated"`
			Temp     int64            `json:"temp_passwords"`
			ByCode   map[string]int64 `json:"rejected_by_code"`
		}
		decode := func(r result) copyDoc {
			t.Helper()
			var d copyDoc
			if err := json.Unmarshal([]byte(r.Stdout), &d); err != nil {
				t.Fatalf("%v\n%s", err, r)
			}
			return d
		}

		mustCode(t, run(t, dir, env, "schema", "up", "--yes"), 0)
		before := dbtest.Snapshot(t, db)
		// An invalid row is rejected and reported, not a failure; the dry
		// run counts it and writes nothing.
		r := run(t, dir, env, "-o", "json", "migrate-users", "--bcrypt-cost", "4")
		mustCode(t, r, 0)
		if d := decode(r); !d.DryRun || d.RowsRead != 3 || d.Migrated != 2 || d.Temp != 1 || d.ByCode["INVALID_EMAIL"] != 1 {
			t.Errorf("dry run: %+v", d)
		}
		if after := dbtest.Snapshot(t, db); len(after["auth_users"]) != len(before["auth_users"]) || len(after["dhmig_user_map"]) != 0 {
			t.Errorf("the dry run wrote: %v", after)
		}

		r = run(t, dir, env, "-o", "json", "migrate-users", "--execute", "--yes", "--bcrypt-cost", "4", "--rejects", dir+"/rejects.ndjson")
		mustCode(t, r, 0)
		if d := decode(r); d.DryRun || d.Migrated != 2 {
			t.Errorf("execute: %+v", d)
		}
		var emails []string
		if err := db.Select(&emails, `SELECT email FROM auth_users ORDER BY email`); err != nil {
			t.Fatal(err)
		}
		if len(emails) != 2 || emails[0] != "ann@example.com" || emails[1] != "ben@example.com" {
			t.Errorf("auth_users emails = %q", emails)
		}

		mustCode(t, run(t, dir, env, "verify", "--quiet"), 0)
		r = run(t, dir, env, "-o", "json", "migrate-users", "--execute", "--yes", "--bcrypt-cost", "4", "--rejects", dir+"/rejects2.ndjson")
		if d := decode(r); d.Migrated != 0 || d.RowsRead != 3 {
			t.Errorf("re-run: %+v\n%s", d, r)
		}
	})
}
