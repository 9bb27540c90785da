package main

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	sqlfiles "github.com/dhafnckmcp/dhmig/sql"
)

// TestAdoptedAuthUsersSurvivesE2E: the app already has auth_users with its
// own users. schema up adopts it, migrate-users adds the legacy users, and
// both ways back (rollback --schema-only, schema down) leave the app's
// table with exactly the app's users.
func TestAdoptedAuthUsersSurvivesE2E(t *testing.T) {
	for _, back := range [][]string{
		{"rollback", "--schema-only", "--yes", "--no-safety-backup"},
		{"schema", "down", "--yes"},
	} {
		t.Run(back[0], func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, tg database.Target) {
				generateLegacy(t, tg, "--rows", "20")
				db := dbtest.Open(t, tg)
				up, err := fs.ReadFile(sqlfiles.FS, string(tg.Kind)+"/0001_auth_schema.up.sql")
				if err != nil {
					t.Fatal(err)
				}
				bkExec(t, db, strings.SplitN(string(up), ";\n", 2)[0],
					`INSERT INTO auth_users (id, email, username, password_hash) VALUES
						('11111111-1111-4111-8111-111111111111', 'app-owner@example.org', 'app-owner', 'x')`)
				dir := t.TempDir()
				env := []string{"DATABASE_URL=" + dbtest.URL(tg)}

				r := runDhmig(t, dir, env, "schema", "up")
				mustCode(t, r, 0)
				if !strings.Contains(r.Stdout, "adopted the existing auth_users") {
					t.Errorf("schema up does not say it adopted auth_users:\n%s", r)
				}
				mustCode(t, runDhmig(t, dir, env, append([]string{"migrate-users", "--execute"}, policies...)...), 0)
				var n int
				if err := db.Get(&n, `SELECT COUNT(*) FROM auth_users`); err != nil || n < 10 {
					t.Fatalf("after migrate-users auth_users has %d rows, %v", n, err)
				}

				r = runDhmig(t, dir, env, back...)
				mustCode(t, r, 0)
				if !strings.Contains(r.Stdout, "adopted") {
					t.Errorf("%s does not say it kept the adopted table:\n%s", back[0], r)
				}
				var got []string
				if err := db.Select(&got, `SELECT email FROM auth_users`); err != nil {
					t.Fatalf("auth_users is gone after %s: %v\n%s", back[0], err, r)
				}
				if !reflect.DeepEqual(got, []string{"app-owner@example.org"}) {
					t.Fatalf("after %s auth_users holds %v, want the app's user only", back[0], got)
				}
				tables, err := db.Dialect.Tables(t.Context(), db)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(tables, ",") != "auth_users,legacy_users" {
					t.Errorf("after %s: tables %v, want auth_users and legacy_users", back[0], tables)
				}
			})
		})
	}
}

// TestIncompatibleAuthUsersRefusedE2E: a table dhmig cannot write into is
// refused with the column at fault, and nothing is applied.
func TestIncompatibleAuthUsersRefusedE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		bkExec(t, db, `CREATE TABLE auth_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)`)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
		r := runDhmig(t, dir, env, "schema", "up")
		mustCode(t, r, 1)
		if !strings.Contains(r.Stderr, "auth_users") || !strings.Contains(r.Stderr, "column username") {
			t.Errorf("refusal does not name the table and column:\n%s", r)
		}
		tables, err := db.Dialect.Tables(t.Context(), db)
		if err != nil || strings.Join(tables, ",") != "auth_users" {
			t.Errorf("a refused schema up left tables %v, %v", tables, err)
		}
	})
}
