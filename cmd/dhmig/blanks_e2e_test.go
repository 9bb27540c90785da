package main

import (
	"strconv"
	"testing"

	"golang.org/x/crypto/bcrypt"

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
		if _, err := db.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320), username VARCHAR(200),
			password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`); err != nil {
			t.Fatal(err)
		}
		h, _ := bcrypt.GenerateFromPassword([]byte("pw"), 4)
		rows := []struct {
			email, username, wantEmail, wantUsername string
		}{
			{"\tTab@Example.com\n", "tab", "tab@example.com", "tab"},
			{"\u00a0nbsp@example.com\u00a0", "nbsp", "nbsp@example.com", "nbsp"},
			{"\vvt@example.com\f", "vt", "vt@example.com", "vt"},
			{"crlf@example.com", "\r\nCR LF User\r\n", "crlf@example.com", "CR LF User"},
			{"\ufeff\u200bzw@example.com\u3000", "\u2028zw\u2029", "zw@example.com", "zw"},
			{" TAB@example.com ", "tab-again", "", ""}, // collides with row 1 once trimmed: skipped
		}
		ins := db.Rebind(`INSERT INTO legacy_users VALUES (?, ?, ?, ?, ?, ?)`)
		for i, r := range rows {
			if _, err := db.Exec(ins, i+1, r.email, r.username, string(h), "2023-01-01 10:00:00", db.Dialect.Bool(true)); err != nil {
				t.Fatal(err)
			}
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
