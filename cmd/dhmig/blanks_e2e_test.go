package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestBlanksAroundValuesMigrateAndVerify: emails and usernames that years
// of web forms wrapped in tabs, newlines, no-break spaces, vertical tabs
// and form feeds migrate trimmed, and verify agrees that they match their
// legacy rows: migrate --execute commits and verify exits 0. Before the
// rule book, verify's SQL trimmed spaces only, failed parity, and every
// migrate --execute rolled back at its gate.
func TestBlanksAroundValuesMigrateAndVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		fixture, err := os.ReadFile(filepath.Join("..", "..", "testdata", "legacy", "blanks.sql"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(fixture)); err != nil {
			t.Fatalf("load testdata/legacy/blanks.sql: %v", err)
		}
		// What each legacy row (by id) must become; "" = skipped as a conflict.
		rows := []struct{ wantEmail, wantUsername string }{
			{"tab@example.com", "tab"},
			{"nbsp@example.com", "nbsp"},
			{"vt@example.com", "vt"},
			{"crlf@example.com", "CR LF User"},
			{"zw@example.com", "zw"},
			{"", ""}, // collides with row 1 once trimmed
		}
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
		r := runDhmig(t, dir, env, "migrate", "--execute", "--skip-backup-check", "--on-conflict", "skip",
			"--unsupported-hash", "reset", "--bcrypt-cost", "4")
		mustCode(t, r, 0)
		mustCode(t, runDhmig(t, dir, env, "verify"), 0)
		for i, want := range rows {
			var email, username string
			err := db.QueryRowx(db.Rebind(`SELECT a.email, a.username FROM auth_users a JOIN dhmig_user_map m ON m.user_id = a.id
				WHERE m.legacy_id = ?`), strconv.Itoa(i+1)).Scan(&email, &username)
			if want.wantEmail == "" {
				if err == nil {
					t.Errorf("row %d migrated as %q, want it skipped as a conflict", i+1, email)
				}
				continue
			}
			if err != nil || email != want.wantEmail || username != want.wantUsername {
				t.Errorf("row %d: %q / %q (%v), want %q / %q", i+1, email, username, err, want.wantEmail, want.wantUsername)
			}
		}
		var code string
		if err := db.Get(&code, `SELECT code FROM dhmig_rejects WHERE legacy_id = '6'`); err != nil || code != "CONFLICT_EMAIL" {
			t.Errorf("row 6 reject = %q (%v), want CONFLICT_EMAIL", code, err)
		}
		// A second run finds nothing to do, and verify still passes.
		mustCode(t, runDhmig(t, dir, env, "migrate", "--execute", "--skip-backup-check", "--on-conflict", "skip",
			"--unsupported-hash", "reset", "--bcrypt-cost", "4"), 0)
		mustCode(t, runDhmig(t, dir, env, "verify"), 0)
	})
}
