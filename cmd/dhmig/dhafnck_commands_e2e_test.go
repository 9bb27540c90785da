package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestDhafnckMigrateE2E: migrate, the one-transaction path, with the
// dhafnck target; doctor names the target it finds; the backup counts the
// users table; notify plans the target's users; smoke's step-by-step
// check, which reads only the guide's schema, refuses the target with a
// usage error.
func TestDhafnckMigrateE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		generateLegacy(t, tg, "--rows", "80", "--dirty-share", "0.1")
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg), "BACKUP_LOCATION=" + dir + "/backups"}
		dh := append([]string{"--target", "dhafnck"}, policies...)

		r := runDhmig(t, dir, env, append([]string{"migrate", "--execute", "--skip-backup-check"}, dh...)...)
		mustCode(t, r, 0)
		db := dbtest.Open(t, tg)
		var mapped, users int
		if err := db.Get(&mapped, `SELECT COUNT(*) FROM dhmig_user_map`); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&users, `SELECT COUNT(*) FROM users`); err != nil || users != mapped || users == 0 {
			t.Fatalf("users %d, mapped %d (%v)\n%s", users, mapped, err, r)
		}
		if ok, err := database.TableExists(t.Context(), db.Dialect, db, "auth_users"); err != nil || ok {
			t.Errorf("the dhafnck target created auth_users (%v)", err)
		}
		mustCode(t, runDhmig(t, dir, env, "verify", "--target", "dhafnck"), 0)

		r = runDhmig(t, dir, env, "doctor", "--target", "dhafnck")
		if !strings.Contains(r.Stdout, "--target dhafnck; found dhafnck (users)") {
			t.Errorf("doctor does not report the dhafnck target:\n%s", r)
		}
		r = runDhmig(t, dir, env, "doctor")
		if !strings.Contains(r.Stdout, "--target guide, but the database holds dhafnck (users)") {
			t.Errorf("doctor does not warn about the other target:\n%s", r)
		}
		r = runDhmig(t, dir, env, "schema", "status")
		mustCode(t, r, 2)
		if !strings.Contains(r.Stderr, "another target's schema") {
			t.Errorf("schema status with the guide target on a dhafnck schema:\n%s", r)
		}
		// notify reads the target's users: its dry run plans every migrated user.
		r = runDhmig(t, dir, env, "notify", "--target", "dhafnck", "-o", "json")
		mustCode(t, r, 0)
		var plan struct {
			Recipients int `json:"recipients"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &plan); err != nil || plan.Recipients != mapped {
			t.Errorf("notify dry run: %+v (%v), want %d recipients\n%s", plan, err, mapped, r)
		}
		r = runDhmig(t, dir, env, "smoke", "--target", "dhafnck", "--server", "http://127.0.0.1:1", "--email", "user0000001@example.com")
		mustCode(t, r, 2)
		if !strings.Contains(r.Stderr, "--target dhafnck is not supported") {
			t.Errorf("smoke: %s", r)
		}

		// The backup counts the target's user table.
		r = runDhmig(t, dir, env, "backup", "-o", "json")
		mustCode(t, r, 0)
		var b struct {
			Manifest struct {
				RowCounts map[string]int `json:"row_counts"`
			}
		}
		if err := json.Unmarshal([]byte(r.Stdout), &b); err != nil {
			t.Fatalf("backup json: %v\n%s", err, r)
		}
		if n, ok := b.Manifest.RowCounts["users"]; !ok || n != users || b.Manifest.RowCounts["legacy_users"] != 80 {
			t.Errorf("backup row_counts %v, want users %d and legacy_users 80", b.Manifest.RowCounts, users)
		}
		if _, ok := b.Manifest.RowCounts["auth_users"]; ok {
			t.Errorf("backup row_counts %v count an auth_users the database does not have", b.Manifest.RowCounts)
		}
	})
}
