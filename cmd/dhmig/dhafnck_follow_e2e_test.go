package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// What TestDhafnckTargetE2E checks beyond the copy itself: the commands
// that report on the users follow the dhafnck target, naming its tables and
// judging by the app's rules.

// conflictLegacyID is a legacy row whose email an app-made user already
// has: the copy must reject it as a conflict with users.
const conflictLegacyID = "900100"

func plantAppConflict(t *testing.T, db *database.DB) {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte("conflict"), 4)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(db.Rebind(`INSERT INTO legacy_users (id, email, username, password_hash, created_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`),
		conflictLegacyID, " OWNER@app.example.org", "legacy-owner", string(h),
		db.Dialect.Timestamp(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)), db.Dialect.Bool(true))
	if err != nil {
		t.Fatal(err)
	}
}

// checkRejectsNameUsers: a conflict with an existing user names the
// target's table, users, in the rejects report.
func checkRejectsNameUsers(t *testing.T, path string, withApp bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct {
			LegacyID      *string `json:"legacy_id"`
			Code          string  `json:"code"`
			ConflictsWith string  `json:"conflicts_with"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("rejects report line %q: %v", sc.Text(), err)
		}
		if l.ConflictsWith != "" && l.ConflictsWith != "users" && l.ConflictsWith != "legacy_users" {
			t.Errorf("conflicts_with %q: want users or legacy_users", l.ConflictsWith)
		}
		if l.LegacyID != nil && *l.LegacyID == conflictLegacyID {
			found = l.Code == "CONFLICT_EMAIL" && l.ConflictsWith == "users"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if withApp && !found {
		t.Errorf("legacy row %s is not reported as CONFLICT_EMAIL with conflicts_with users", conflictLegacyID)
	}
}

// checkVerifyNamesUsers: verify's report and its --list describe the
// dhafnck target's tables and rules, not the guide's.
func checkVerifyNamesUsers(t *testing.T, dir string, env []string) {
	t.Helper()
	type check struct {
		ID, Description, Severity string
	}
	r := runDhmig(t, dir, env, "verify", "-o", "json")
	mustCode(t, r, 0)
	var rep struct{ Checks []check }
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("verify json: %v\n%s", err, r)
	}
	r = runDhmig(t, dir, env, "verify", "--list", "-o", "json")
	mustCode(t, r, 0)
	var list []check
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
		t.Fatalf("verify --list json: %v\n%s", err, r)
	}
	want := map[string]string{
		"schema.tables":          "the auth tables exist: users, user_sessions and email_tokens",
		"schema.indexes":         "the DhafnckMCP server's six indexes exist on the right columns, and email and username are UNIQUE",
		"schema.foreign_keys":    "dhmig_user_map references users(id) ON DELETE CASCADE",
		"data.invalid_usernames": "every username is UTF-8 text of at most 150 characters without control characters",
		"data.active_unverified": "every ACTIVE user has email_verified true and email_verified_at set",
	}
	for name, checks := range map[string][]check{"verify": rep.Checks, "verify --list": list} {
		if len(checks) == 0 {
			t.Fatalf("%s lists no checks", name)
		}
		for _, c := range checks {
			if strings.Contains(c.Description, "auth_users") || strings.Contains(c.Description, "verified_at set") && !strings.Contains(c.Description, "email_verified_at") {
				t.Errorf("%s: %s describes the guide's schema: %q", name, c.ID, c.Description)
			}
			if w, ok := want[c.ID]; ok && c.Description != w {
				t.Errorf("%s: %s is described %q, want %q", name, c.ID, c.Description, w)
			}
			if c.ID == "data.active_unverified" && c.Severity != "error" {
				t.Errorf("%s: data.active_unverified has severity %s, want error for the dhafnck target", name, c.Severity)
			}
		}
	}
}

// checkPasswordChangedAt: a hash dhmig replaced was set at the run's start
// (updated_at); a kept one has no password_changed_at.
func checkPasswordChangedAt(t *testing.T, db *database.DB) {
	t.Helper()
	var temps, wrong int64
	err := db.QueryRow(`SELECT COALESCE(SUM(CASE WHEN m.temp_password THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN (m.temp_password AND (u.password_changed_at IS NULL OR u.password_changed_at <> u.updated_at))
			OR (NOT m.temp_password AND u.password_changed_at IS NOT NULL) THEN 1 ELSE 0 END), 0)
		FROM dhmig_user_map m JOIN users u ON u.id = m.user_id`).Scan(&temps, &wrong)
	if err != nil {
		t.Fatal(err)
	}
	if temps == 0 || wrong != 0 {
		t.Errorf("%d users with temporary passwords, %d with a password_changed_at that does not say who set the hash", temps, wrong)
	}
}

// checkLoginCheck asks login-check about migrated and app-made users and
// holds its verdicts to the app's rules: status ACTIVE, email_verified,
// locked_until ahead, bcrypt.
func checkLoginCheck(t *testing.T, dir string, env []string, db *database.DB, withApp bool) {
	t.Helper()
	known := knownUsers()
	pwFile := func(pw string) string {
		path := filepath.Join(dir, "pw.txt")
		writeFile(t, path, pw+"\n")
		return path
	}
	email := func(id int) string { return fmt.Sprintf("known%d@example.com", id) }
	ask := func(code int, args ...string) (reasons []string, checks map[string]string) {
		t.Helper()
		r := runDhmig(t, dir, env, append([]string{"login-check", "-o", "json"}, args...)...)
		mustCode(t, r, code)
		var v struct {
			Reasons []string
			Checks  []struct{ ID, Status, Detail string }
		}
		if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
			t.Fatalf("login-check json: %v\n%s", err, r)
		}
		checks = map[string]string{}
		for _, c := range v.Checks {
			checks[c.ID] = c.Status + ": " + c.Detail
		}
		return v.Reasons, checks
	}
	userOf := func(legacy int) string {
		var id string
		if err := db.Get(&id, db.Rebind(`SELECT CAST(user_id AS TEXT) FROM dhmig_user_map WHERE legacy_id = ?`), fmt.Sprint(legacy)); err != nil {
			t.Fatal(err)
		}
		return id
	}
	setLock := func(legacy int, until any) {
		t.Helper()
		if _, err := db.Exec(db.Rebind(`UPDATE users SET locked_until = ? WHERE id = ?`), until, userOf(legacy)); err != nil {
			t.Fatal(err)
		}
	}

	active, inactive := known[0], known[2]
	if !active.active || inactive.active {
		t.Fatal("knownUsers changed: want 0 active and 2 inactive")
	}
	reasons, checks := ask(0, "--email", " "+strings.ToUpper(email(active.id)), "--password-file", pwFile(active.password))
	if len(reasons) != 0 || !strings.HasPrefix(checks["account"], "pass: users id ") || !strings.HasPrefix(checks["verified"], "pass: email verified (email_verified true)") ||
		!strings.HasPrefix(checks["password"], "pass") {
		t.Errorf("an active migrated user with the right password: reasons %v, checks %v", reasons, checks)
	}
	if reasons, _ = ask(3, "--email", email(active.id), "--password-file", pwFile("wrong")); !slices.Equal(reasons, []string{"password_mismatch"}) {
		t.Errorf("a wrong password: reasons %v", reasons)
	}
	if reasons, _ = ask(3, "--email", email(inactive.id)); !slices.Equal(reasons, []string{"status_not_active", "not_verified"}) {
		t.Errorf("an inactive legacy user (PENDING_VERIFICATION, not verified): reasons %v", reasons)
	}
	setLock(active.id, db.Dialect.AppTimestamp(time.Now().UTC().Add(time.Hour), true))
	if reasons, checks = ask(3, "--email", email(active.id)); !slices.Equal(reasons, []string{"locked"}) || !strings.Contains(checks["locked"], "locked_until") {
		t.Errorf("locked_until an hour ahead: reasons %v, checks %v", reasons, checks)
	}
	setLock(active.id, db.Dialect.AppTimestamp(time.Now().UTC().Add(-time.Hour), true))
	if reasons, _ = ask(0, "--email", email(active.id)); len(reasons) != 0 {
		t.Errorf("locked_until an hour ago (the lock has run out): reasons %v", reasons)
	}
	setLock(active.id, nil)

	var tempEmail string
	if err := db.Get(&tempEmail, `SELECT u.email FROM users u JOIN dhmig_user_map m ON m.user_id = u.id
		WHERE m.temp_password ORDER BY u.email LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if reasons, _ = ask(3, "--email", tempEmail); !slices.Contains(reasons, "temp_password") {
		t.Errorf("a user with a temporary password: reasons %v", reasons)
	}
	if reasons, checks = ask(3, "--email", "nobody@example.com"); !slices.Equal(reasons, []string{"unknown_email"}) ||
		!strings.Contains(checks["account"], "no users row has this email") {
		t.Errorf("an unknown email: reasons %v, checks %v", reasons, checks)
	}
	if withApp {
		// The app's own ACTIVE, verified user, whom dhmig did not migrate.
		reasons, checks = ask(0, "--email", "owner@app.example.org", "--password-file", pwFile("app-password"))
		if len(reasons) != 0 || !strings.HasPrefix(checks["temp_password"], "pass: not migrated by dhmig") {
			t.Errorf("the app's own user: reasons %v, checks %v", reasons, checks)
		}
	}
}
