package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestNotifyDhafnckE2E: with --target dhafnck, into tables (and users) the
// app made first, notify reads the recipients from users with the app's
// status names: --only active writes once to each ACTIVE migrated user, a
// plain run to the rest, a second run to nobody, and the app's own users
// never. schema down --to 2 removes only the ledger; after schema up,
// rollback --schema-only removes it with the rest of dhmig's tables,
// leaving the app's tables and users.
func TestNotifyDhafnckE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		seedNotifyLegacy(t, db)
		appSchema(t, db, tg)
		appBefore := appRows(t, db)
		mp := startMailpit(t)
		dir := t.TempDir()
		env := append([]string{"DATABASE_URL=" + dbtest.URL(tg), "DHMIG_TARGET=dhafnck"}, mp.env()...)

		mustCode(t, runDhmig(t, dir, env, append([]string{"migrate", "--execute", "--skip-backup-check", "--temp-passwords", "sealed"}, policies...)...), 0)
		var rows []struct {
			ID       string `db:"id"`
			Email    string `db:"email"`
			Username string `db:"username"`
			Status   string `db:"status"`
			Temp     int    `db:"temp"`
		}
		if err := db.Select(&rows, `SELECT u.id, u.email, u.username, u.status, CASE WHEN m.temp_password THEN 1 ELSE 0 END AS temp
			FROM users u JOIN dhmig_user_map m ON m.user_id = u.id`); err != nil {
			t.Fatal(err)
		}
		users, active := map[string]notifyUser{}, map[string]bool{}
		for _, r := range rows {
			users[r.Email] = notifyUser{ID: r.ID, Email: r.Email, Username: r.Username, Temp: r.Temp == 1}
			if r.Status == "ACTIVE" {
				active[r.Email] = true
			}
		}
		if len(users) != 9 || len(active) == 0 || len(active) == len(users) || !users["zoe@example.com"].Temp {
			t.Fatalf("fixture: migrated users %+v, active %v", users, active)
		}

		r := runDhmig(t, dir, env, "notify", "-o", "json")
		mustCode(t, r, 0)
		var dry struct {
			Recipients int `json:"recipients"`
			Due        int `json:"due"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &dry); err != nil || dry.Recipients != 9 || dry.Due != 9 {
			t.Fatalf("dry run = %+v (%v)\n%s", dry, err, r)
		}

		r = runDhmig(t, dir, env, "notify", "--only", "active", "--execute", "--smtp-insecure", "--rate", "50")
		mustCode(t, r, 0)
		noSecret(t, r)
		if want := fmt.Sprintf("Sent %d of %d messages.", len(active), len(active)); !strings.Contains(r.Stdout, want) {
			t.Errorf("--only active --execute, want %q:\n%s", want, r)
		}
		got := mp.byRecipient()
		for email := range active {
			if got[email] != 1 {
				t.Errorf("ACTIVE user %s got %d messages", email, got[email])
			}
		}
		if len(got) != len(active) {
			t.Errorf("--only active wrote to %v, want the ACTIVE users %v", got, active)
		}

		r = runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "50")
		mustCode(t, r, 0)
		if want := fmt.Sprintf("Sent %d of %d messages.", len(users)-len(active), len(users)-len(active)); !strings.Contains(r.Stdout, want) {
			t.Errorf("plain --execute after --only active, want %q:\n%s", want, r)
		}
		// One each, to migrated users only (not the app's), the reset
		// paragraph for temporary passwords only.
		checkDelivered(t, mp, users)

		r = runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "Nothing to send") || len(mp.messages()) != len(users) {
			t.Errorf("second execute sent again (%d messages):\n%s", len(mp.messages()), r)
		}
		if st := notifyStatus(t, dir, env); st.Recipients != 9 || st.Sent != 9 || st.Pending+st.Failed+st.InDoubt != 0 {
			t.Errorf("status = %+v", st)
		}

		tables := func() []string {
			t.Helper()
			ts, err := db.Dialect.Tables(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}
		mustCode(t, runDhmig(t, dir, env, "schema", "down", "--to", "2", "--yes"), 0)
		if ts := tables(); slices.Contains(ts, "dhmig_notifications") || !slices.Contains(ts, "dhmig_user_map") {
			t.Errorf("schema down --to 2: tables %v, want the ledger gone and the user map kept", ts)
		}
		mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
		if ts := tables(); !slices.Contains(ts, "dhmig_notifications") {
			t.Fatalf("schema up did not bring the ledger back: tables %v", ts)
		}
		mustCode(t, runDhmig(t, dir, env, "rollback", "--schema-only", "--yes", "--no-safety-backup"), 0)
		if ts, want := tables(), []string{"email_tokens", "legacy_users", "user_sessions", "users"}; !slices.Equal(ts, want) {
			t.Errorf("after rollback --schema-only: tables %v, want %v", ts, want)
		}
		if after := appRows(t, db); after != appBefore {
			t.Errorf("the app's users changed:\nbefore %s\nafter  %s", appBefore, after)
		}
		var n int
		if err := db.Get(&n, `SELECT COUNT(*) FROM users`); err != nil || n != 2 {
			t.Errorf("users holds %d rows after the rollback, want the app's 2 (%v)", n, err)
		}
	})
}
