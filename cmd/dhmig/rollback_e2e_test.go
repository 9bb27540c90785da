package main

import (
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestRollbackRoundTripE2E: backup → schema up, insert, delete, drop a
// table, create a table → rollback. Without --yes and without a terminal
// it exits 2 and touches nothing; --dry-run changes nothing; --yes brings
// back exactly the backed-up tables and rows, after a safety backup.
func TestRollbackRoundTripE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		bkSeedLegacy(t, db, 25)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
		want := dbtest.Snapshot(t, db)
		db.Close() // an open handle would keep reading the replaced SQLite file
		r := runDhmig(t, dir, env, "backup")
		mustCode(t, r, 0)
		id := strings.TrimSpace(r.Stdout)

		mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
		db = dbtest.Open(t, tg)
		bkExec(t, db,
			`INSERT INTO legacy_users VALUES (100, 'late@example.com', 'late')`,
			`DELETE FROM legacy_users WHERE id IN (1, 2, 3)`,
			`DROP TABLE notes`,
			`CREATE TABLE created_after (id INTEGER PRIMARY KEY)`,
			`INSERT INTO created_after VALUES (1)`)
		changed := dbtest.Snapshot(t, db)
		db.Close()
		snapshot := func() map[string][]string {
			d := dbtest.Open(t, tg)
			defer d.Close()
			return dbtest.Snapshot(t, d)
		}

		r = runDhmig(t, dir, env, "rollback")
		mustCode(t, r, 2)
		if !strings.Contains(r.Stderr, "--yes") {
			t.Errorf("rollback without a terminal should ask for --yes:\n%s", r)
		}
		r = runDhmig(t, dir, env, "rollback", "--dry-run")
		mustCode(t, r, 0)
		for _, s := range []string{id, "dry run", "created_after", "auth_users"} {
			if !strings.Contains(r.Stdout, s) {
				t.Errorf("dry run plan lacks %q:\n%s", s, r)
			}
		}
		if got := snapshot(); !reflect.DeepEqual(changed, got) {
			t.Fatal("a refused or dry-run rollback changed the database")
		}
		if ids := bkIDs(t, filepath.Join(dir, "backups")); len(ids) != 1 {
			t.Fatalf("a refused or dry-run rollback took a backup: %v", ids)
		}

		r = runDhmig(t, dir, env, "rollback", "--yes")
		mustCode(t, r, 0)
		m := regexp.MustCompile(`safety backup: (\S+)`).FindStringSubmatch(r.Stdout)
		if m == nil || m[1] == id {
			t.Fatalf("rollback should print the safety backup's id:\n%s", r)
		}
		if !strings.Contains(r.Stdout, "rolled back") || !strings.Contains(r.Stdout, id) {
			t.Errorf("rollback stdout:\n%s", r)
		}
		if got := snapshot(); !reflect.DeepEqual(want, got) {
			t.Fatalf("after rollback the database differs from the backup:\nwant %v\ngot  %v", want, got)
		}

		// The safety backup holds the state rollback replaced.
		r = runDhmig(t, dir, env, "rollback", "--yes", "--no-safety-backup", "--backup", m[1])
		mustCode(t, r, 0)
		if got := snapshot(); !reflect.DeepEqual(changed, got) {
			t.Fatalf("restoring the safety backup did not bring back the replaced state")
		}
	})
}

// TestRollbackSchemaOnlyE2E drops what dhmig created and leaves
// legacy_users and other tables untouched, without a backup.
func TestRollbackSchemaOnlyE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		bkSeedLegacy(t, db, 5)
		want := dbtest.Snapshot(t, db)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
		mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)

		mustCode(t, runDhmig(t, dir, env, "rollback", "--schema-only", "--backup", "latest"), 2)
		r := runDhmig(t, dir, env, "rollback", "--schema-only")
		mustCode(t, r, 2)
		r = runDhmig(t, dir, env, "rollback", "--schema-only", "--dry-run")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "auth_users") || strings.Contains(r.Stdout, "legacy_users,") {
			t.Errorf("schema-only dry run:\n%s", r)
		}
		r = runDhmig(t, dir, env, "rollback", "--schema-only", "--yes", "--no-safety-backup")
		mustCode(t, r, 0)
		if got := dbtest.Snapshot(t, db); !reflect.DeepEqual(want, got) {
			t.Fatalf("schema-only rollback: want only the legacy tables untouched:\nwant %v\ngot  %v", want, got)
		}
		if ids := bkIDs(t, filepath.Join(dir, "backups")); len(ids) != 0 {
			t.Fatalf("--no-safety-backup took a backup: %v", ids)
		}
		r = runDhmig(t, dir, env, "rollback", "--schema-only", "--yes")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "nothing to roll back") {
			t.Errorf("second schema-only rollback:\n%s", r)
		}
	})
}
