package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/smoke/smoketest"
)

// smokeFixture migrates seedLegacy's dirty table with the binary (skip and
// reset, sealed temporary passwords) into a SQLite file and starts the
// contract server over it. Every legacy password is "pw".
func smokeFixture(t *testing.T) (db *database.DB, dir string, env []string, srv *smoketest.Server) {
	t.Helper()
	tg := dbtest.SQLite(t)
	db = dbtest.Open(t, tg)
	seedLegacy(t, db)
	dir = t.TempDir()
	env = []string{"DATABASE_URL=" + dbtest.URL(tg), "JWT_SECRET_KEY=" + e2eSecret}
	mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
	mustCode(t, runDhmig(t, dir, env, "migrate-users", "--execute", "--on-conflict", "skip", "--unsupported-hash", "reset",
		"--temp-passwords", "sealed", "--bcrypt-cost", "4", "--rejects", filepath.Join(dir, "rejects.ndjson")), 0)
	return db, dir, env, smoketest.Start(t, db, smoketest.Options{Secret: []byte(e2eSecret)})
}

func userID(t *testing.T, db *database.DB, email string) string {
	t.Helper()
	var id string
	if err := db.Get(&id, `SELECT id FROM auth_users WHERE email = ?`, email); err != nil {
		t.Fatal(err)
	}
	return id
}

// noSecrets fails when a password, the JWT secret or a token reached an
// output.
func noSecrets(t *testing.T, r result, passwords ...string) {
	t.Helper()
	all := r.Stdout + r.Stderr
	for _, s := range append(passwords, e2eSecret, "eyJ") {
		if strings.Contains(all, s) {
			t.Fatalf("output holds %q:\n%s", s, r)
		}
	}
}

func TestSmokeE2E(t *testing.T) {
	db, dir, env, srv := smokeFixture(t)
	ann := userID(t, db, "ann@example.com")
	pwEnv := append(env, "DHMIG_SMOKE_PASSWORD=pw")

	r := runDhmig(t, dir, pwEnv, "smoke", "--server", srv.URL, "--email", "ann@example.com", "--refresh")
	mustCode(t, r, 0)
	noSecrets(t, r)
	want := "server: " + srv.URL + "\n" +
		"account: ann@example.com (auth_users " + ann + ")\n" +
		"STEP                     STATUS  DETAIL\n" +
		"login                    pass    HTTP 200: access and refresh tokens received\n" +
		"token                    pass    signature verifies with the configured HS256 key; type access; lifetime 15m0s\n" +
		"claims                   pass    sub and email are those of auth_users row " + ann + "\n" +
		"protected                pass    HTTP 200: the server accepted the access token\n" +
		"tampered                 pass    HTTP 401: the server refused a token whose signature was altered\n" +
		"expired                  pass    HTTP 401: the server refused the same user's token, expired an hour ago\n" +
		"refresh                  pass    HTTP 200: a new access token for the same user, verified offline\n" +
		"protected_after_refresh  pass    HTTP 200: the server accepted the refreshed access token\n" +
		"smoke passed: 8 steps\n"
	if r.Stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.Stdout, want)
	}

	// A wrong password from a file: exit 3, the login step says why.
	pwFile := filepath.Join(dir, "pw.txt")
	writeFile(t, pwFile, "not-the-password\n")
	r = runDhmig(t, dir, env, "smoke", "--server", srv.URL, "--email", "ann@example.com", "--password-file", pwFile)
	mustCode(t, r, 3)
	noSecrets(t, r, "not-the-password")
	want = "server: " + srv.URL + "\n" +
		"account: ann@example.com (auth_users " + ann + ")\n" +
		"STEP       STATUS  DETAIL\n" +
		"login      fail    HTTP 401 (server says: Invalid email or password)\n" +
		"token      skip    skipped: the login failed\n" +
		"claims     skip    skipped: the login failed\n" +
		"protected  skip    skipped: the login failed\n" +
		"tampered   skip    skipped: the login failed\n" +
		"expired    skip    skipped: the login failed\n" +
		"smoke FAILED: login (1 of 6 steps)\n"
	if r.Stdout != want || !strings.HasSuffix(r.Stderr, "\ndhmig: smoke check failed: login\n") {
		t.Errorf("wrong password:\n%s\nwant stdout:\n%s", r, want)
	}

	// An inactive user, JSON: the login step fails with the server's 403.
	r = runDhmig(t, dir, pwEnv, "smoke", "--server", srv.URL, "--email", "ben@example.com", "-o", "json")
	mustCode(t, r, 3)
	var doc struct {
		OK    bool `json:"ok"`
		Steps []struct {
			ID, Status, Detail string
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.OK || len(doc.Steps) != 6 ||
		doc.Steps[0].Status != "fail" || doc.Steps[0].Detail != "HTTP 403 (server says: Account is not active)" {
		t.Errorf("inactive user, json (%v):\n%s", err, r)
	}

	// JUnit: one case per step, the failure counted.
	r = runDhmig(t, dir, pwEnv, "smoke", "--server", srv.URL, "--email", "ben@example.com", "-o", "junit")
	mustCode(t, r, 3)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal([]byte(r.Stdout), &suites); err != nil || suites.Tests != 6 || suites.Failures != 1 || suites.Skipped != 5 {
		t.Errorf("junit %+v (%v):\n%s", suites, err, r)
	}

	// The paths come from the flags, then the settings.
	r = runDhmig(t, dir, append(pwEnv, "DHMIG_SMOKE_SERVER_URL="+srv.URL, "DHMIG_SMOKE_LOGIN_PATH=/api/v2/login"),
		"smoke", "--email", "ann@example.com")
	mustCode(t, r, 3)
	if !strings.Contains(r.Stdout, "login      fail    HTTP 404\n") {
		t.Errorf("login path from the environment:\n%s", r)
	}
	r = runDhmig(t, dir, append(pwEnv, "DHMIG_SMOKE_LOGIN_PATH=/api/v2/login"),
		"smoke", "--server", srv.URL, "--email", "ann@example.com", "--login-path", "/api/auth/login")
	mustCode(t, r, 0)

	// Nothing listening: exit 1, the server named.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + l.Addr().String()
	l.Close()
	r = runDhmig(t, dir, pwEnv, "smoke", "--server", gone, "--email", "ann@example.com")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stdout, "login      fail    cannot reach the server: ") || !strings.HasSuffix(r.Stderr, "\ndhmig: server unreachable: "+gone+"\n") {
		t.Errorf("unreachable:\n%s", r)
	}

	// Usage errors, before anything connects.
	for _, tc := range []struct {
		args []string
		env  []string
		msg  string
	}{
		{[]string{"--server", srv.URL, "--email", "ann@example.com"}, env, "no password: give --password-file, set DHMIG_SMOKE_PASSWORD, or run on a terminal to be asked"},
		{[]string{"--server", srv.URL, "--email", "ann@example.com", "--max-p95", "1s"}, pwEnv, "--max-p95 needs --load"},
		{[]string{"--server", srv.URL}, pwEnv, "--email is required"},
		{[]string{"--server", "ftp://example.com", "--email", "a@example.com"}, pwEnv, "server URL must start with http:// or https://"},
		{[]string{"--email", "a@example.com"}, pwEnv, "no server URL"},
		{[]string{"--load", "--server", srv.URL, "--email", "a@example.com", "--max-error-rate", "2"}, pwEnv, "must be between 0 and 1"},
	} {
		r = runDhmig(t, dir, tc.env, append([]string{"smoke"}, tc.args...)...)
		mustCode(t, r, 2)
		if !strings.Contains(r.Stderr, tc.msg) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.msg, r)
		}
	}
}

func TestSmokeLoadE2E(t *testing.T) {
	_, dir, env, srv := smokeFixture(t)
	env = append(env, "DHMIG_SMOKE_PASSWORD=pw")
	r := runDhmig(t, dir, env, "smoke", "--load", "--server", srv.URL, "--email", "ann@example.com", "--email", "eve@example.com",
		"--concurrency", "4", "--requests", "40", "--refresh", "--max-error-rate", "0", "--max-p95", "1m", "-o", "json")
	mustCode(t, r, 0)
	noSecrets(t, r)
	var rep struct {
		Requests, Successes, Errors int64
		StoppedBy                   string `json:"stopped_by"`
		Latency                     struct {
			P50, P95, P99, Max float64
		} `json:"latency_ms"`
		Operations map[string]struct{ Requests int64 } `json:"operations"`
		Gate       struct{ Passed bool }               `json:"gate"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	l := rep.Latency
	if rep.Requests != 40 || rep.Successes != 40 || rep.Errors != 0 || rep.StoppedBy != "requests" || !rep.Gate.Passed ||
		rep.Operations["login"].Requests != 20 || rep.Operations["refresh"].Requests != 20 || !(l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max) {
		t.Errorf("load json:\n%s", r)
	}

	// ben is not active: a third of the logins fail, the gate says so.
	r = runDhmig(t, dir, env, "smoke", "--load", "--server", srv.URL, "--email", "ann@example.com", "--email", "eve@example.com",
		"--email", "ben@example.com", "--concurrency", "3", "--requests", "30", "--max-error-rate", "1%")
	mustCode(t, r, 3)
	for _, line := range []string{"load: 3 clients, 3 accounts, login; stopped by requests after ", "\nall        30        20  10      ",
		"\nerrors by kind: http_403 10\n", "\ngate BREACHED: error rate 0.3333 (10 of 30 requests) is above --max-error-rate 0.0100\n"} {
		if !strings.Contains(r.Stdout, line) {
			t.Errorf("load table lacks %q:\n%s", line, r)
		}
	}
	if !strings.HasSuffix(r.Stderr, "\ndhmig: smoke check failed: load gate breached: error rate 0.3333 (10 of 30 requests) is above --max-error-rate 0.0100\n") {
		t.Errorf("stderr:\n%s", r)
	}
}

// TestSmokeLoadInterruptE2E: SIGINT stops a load test cleanly; the figures
// so far are printed and add up, and the exit code is 1.
func TestSmokeLoadInterruptE2E(t *testing.T) {
	_, dir, env, srv := smokeFixture(t)
	cmd := exec.Command(dhmigBin, "smoke", "--load", "--server", srv.URL, "--email", "ann@example.com",
		"--concurrency", "2", "--duration", "1m", "-o", "json")
	cmd.Dir, cmd.Env = dir, append(baseEnv(), append(env, "DHMIG_SMOKE_PASSWORD=pw")...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); srv.Logins.Load() < 20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the load test made %d logins in 20 s", srv.Logins.Load())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	var rep struct {
		Requests, Successes, Errors int64
		StoppedBy                   string `json:"stopped_by"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.StoppedBy != "interrupted" || rep.Requests < 20 ||
		rep.Requests != rep.Successes+rep.Errors || rep.Successes > srv.Logins.Load() {
		t.Errorf("report (%v) %+v:\n%s", err, rep, out.String())
	}
	if !strings.Contains(errOut.String(), "dhmig: interrupted: load test stopped after ") {
		t.Errorf("stderr:\n%s", errOut.String())
	}
}

func TestLoginCheckE2E(t *testing.T) {
	db, dir, env, _ := smokeFixture(t)
	ann, ben := userID(t, db, "ann@example.com"), userID(t, db, "ben@example.com")

	r := runDhmig(t, dir, env, "login-check", "--email", " ANN@example.com")
	mustCode(t, r, 0)
	want := "email:  ANN@example.com\n" +
		"CHECK          STATUS  DETAIL\n" +
		"account        pass    auth_users id " + ann + ", username ann\n" +
		"email          pass    stored in the form the app looks up (trimmed, lowercase)\n" +
		"status         pass    status active\n" +
		"locked         pass    not locked\n" +
		"verified       pass    email verified (verified_at set)\n" +
		"temp_password  pass    legacy row 1 kept its password\n" +
		"password_hash  pass    bcrypt, cost 4\n" +
		"password       skip    not checked (no --password-file)\n" +
		"legacy row 1: migrated as auth_users " + ann + "\n" +
		"legacy row 7: rejected CONFLICT_EMAIL (email)\n" +
		"login-check: the app would let this user log in\n"
	if r.Stdout != want || r.Stderr != "" {
		t.Errorf("ann:\n%s\nwant stdout:\n%s", r, want)
	}

	pwFile := filepath.Join(dir, "pw.txt")
	writeFile(t, pwFile, "pw\n")
	r = runDhmig(t, dir, env, "login-check", "--email", "ben@example.com", "--password-file", pwFile)
	mustCode(t, r, 3)
	want = "email: ben@example.com\n" +
		"CHECK          STATUS  DETAIL\n" +
		"account        pass    auth_users id " + ben + ", username ben\n" +
		"email          pass    stored in the form the app looks up (trimmed, lowercase)\n" +
		"status         fail    status is \"pending_verification\": only active users may log in\n" +
		"locked         pass    not locked\n" +
		"verified       fail    email not verified (verified_at is NULL): the app asks for verification before login\n" +
		"temp_password  pass    legacy row 2 kept its password\n" +
		"password_hash  pass    bcrypt, cost 4\n" +
		"password       pass    the password matches the stored hash\n" +
		"legacy row 2: migrated as auth_users " + ben + "\n" +
		"login-check: the app would NOT let this user log in: status_not_active, not_verified\n"
	if r.Stdout != want || r.Stderr != "dhmig: the app would refuse this login: status_not_active, not_verified\n" {
		t.Errorf("ben:\n%s\nwant stdout:\n%s", r, want)
	}

	r = runDhmig(t, dir, env, "login-check", "--email", "not-an-email")
	mustCode(t, r, 3)
	want = "email: not-an-email\n" +
		"CHECK          STATUS  DETAIL\n" +
		"account        fail    no auth_users row has this email; legacy_users row 8 was rejected by the migration: INVALID_EMAIL (email)\n" +
		"email          skip    no single account to check\n" +
		"status         skip    no single account to check\n" +
		"locked         skip    no single account to check\n" +
		"verified       skip    no single account to check\n" +
		"temp_password  skip    no single account to check\n" +
		"password_hash  skip    no single account to check\n" +
		"password       skip    no single account to check\n" +
		"legacy row 8: rejected INVALID_EMAIL (email)\n" +
		"login-check: the app would NOT let this user log in: unknown_email\n"
	if r.Stdout != want {
		t.Errorf("not-an-email:\n%s\nwant stdout:\n%s", r, want)
	}

	// JSON for the temporary password, and no hash anywhere.
	var hash string
	if err := db.Get(&hash, `SELECT password_hash FROM auth_users WHERE email = 'cat@example.com'`); err != nil {
		t.Fatal(err)
	}
	r = runDhmig(t, dir, env, "login-check", "--email", "cat@example.com", "-o", "json")
	mustCode(t, r, 3)
	var v struct {
		CanLogIn bool     `json:"can_log_in"`
		Reasons  []string `json:"reasons"`
		User     struct {
			TempPassword bool   `json:"temp_password"`
			HashScheme   string `json:"hash_scheme"`
		} `json:"user"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || v.CanLogIn || strings.Join(v.Reasons, ",") != "temp_password" ||
		!v.User.TempPassword || v.User.HashScheme != "bcrypt" || strings.Contains(r.Stdout, hash) {
		t.Errorf("cat, json (%v):\n%s", err, r)
	}

	// Untrusted text stays on its line and cannot drive the terminal.
	r = runDhmig(t, dir, env, "login-check", "--email", "x\x1b[2J\nlogin-check: the app would let this user log in")
	mustCode(t, r, 3)
	if strings.Contains(r.Stdout, "\x1b") || strings.Count(r.Stdout, "\nlogin-check:") != 1 ||
		!strings.HasPrefix(r.Stdout, `email: x\u001b[2J\u000alogin-check: the app would let this user log in`+"\n") {
		t.Errorf("escaping:\n%s", r)
	}
	_ = os.Remove(pwFile)
}
