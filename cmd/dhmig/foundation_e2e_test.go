package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// TestConcurrentSchemaUpAppliesOnce starts two `schema up` at the same
// moment against one PostgreSQL database: each file is applied exactly once
// and the loser either finds nothing to do or exits 4.
func TestConcurrentSchemaUpAppliesOnce(t *testing.T) {
	tg := dbtest.Postgres(t)
	env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
	d, err := database.DialectFor(database.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	m, err := schema.New(d)
	if err != nil {
		t.Fatal(err)
	}
	latest := m.Latest()
	for round := 0; round < 3; round++ {
		if round > 0 {
			mustCode(t, runDhmig(t, t.TempDir(), env, "schema", "down", "--yes"), 0)
		}
		var wg sync.WaitGroup
		results := make([]result, 2)
		start := make(chan struct{})
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i] = runDhmig(t, t.TempDir(), env, "schema", "up", "--lock-timeout", "20s")
			}()
		}
		close(start)
		wg.Wait()
		applied := 0
		for _, r := range results {
			switch {
			case r.Code == 0:
				applied += strings.Count(r.Stdout, "applied 00")
			case r.Code == 4:
				if !strings.Contains(r.Stderr, "lock") {
					t.Errorf("exit 4 without naming the lock:\n%s", r)
				}
			default:
				t.Fatalf("concurrent schema up failed:\n%s\nother:\n%s", r, results[1-indexOf(results, r)])
			}
		}
		if applied != latest {
			t.Fatalf("round %d: %d migration files applied in total, want each of %d exactly once:\n%s\n%s", round, applied, latest, results[0], results[1])
		}
		db := dbtest.Open(t, tg)
		var n int
		if err := db.Get(&n, `SELECT COUNT(*) FROM dhmig_schema_migrations`); err != nil || n != latest {
			t.Fatalf("history rows = %d, %v", n, err)
		}
		db.Close()
	}
}

func indexOf(rs []result, r result) int {
	if rs[0] == r {
		return 0
	}
	return 1
}

// TestSchemaUpExitsFourWhileLockHeld holds the writer lock from outside and
// checks the binary gives up after --lock-timeout with exit 4, writing nothing.
func TestSchemaUpExitsFourWhileLockHeld(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		w, err := database.BeginWrite(ctx, db, database.WriteOptions{LockTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := w.Tx().Exec(`CREATE TABLE holder (x INT)`); err != nil {
			t.Fatal(err)
		}
		r := runDhmig(t, t.TempDir(), []string{"DATABASE_URL=" + dbtest.URL(tg)}, "schema", "up", "--lock-timeout", "500ms")
		mustCode(t, r, 4)
		if !strings.Contains(r.Stderr, "another dhmig run holds the write lock") || !strings.Contains(r.Stderr, "500ms") {
			t.Errorf("exit 4 message:\n%s", r)
		}
	})
}

func TestDoctorUnreachableServerHidesPassword(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "migration.log")
	url := "postgres://u:s3cret@127.0.0.1:1/x"
	for _, format := range []string{"table", "json"} {
		r := runDhmig(t, dir, []string{"MIGRATION_LOG=" + logFile}, "--database-url", url, "--verbose", "doctor", "-o", format)
		if r.Code == 0 {
			t.Fatalf("doctor against an unreachable server exited 0:\n%s", r)
		}
		if !strings.Contains(r.Stdout+r.Stderr, "127.0.0.1:1") {
			t.Errorf("doctor does not name the host:\n%s", r)
		}
		logged, _ := os.ReadFile(logFile)
		for where, text := range map[string]string{"stdout": r.Stdout, "stderr": r.Stderr, "log": string(logged)} {
			if strings.Contains(text, "s3cret") {
				t.Errorf("%s -o %s: the password reached %s:\n%s", "doctor", format, where, text)
			}
		}
		if format == "json" {
			var rep struct {
				OK     bool `json:"ok"`
				Checks []struct{ Name, Status string }
			}
			if err := json.Unmarshal([]byte(firstJSON(r.Stdout)), &rep); err != nil {
				t.Fatalf("doctor -o json: %v\n%s", err, r)
			}
			if rep.OK {
				t.Errorf("doctor json says ok for an unreachable server")
			}
		}
	}
	if st, err := os.Stat(logFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("migration log mode: %v %v", st, err)
	}
}

// firstJSON returns the first JSON document of a stream.
func firstJSON(s string) string {
	dec := json.NewDecoder(strings.NewReader(s))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return s
	}
	return string(raw)
}

func TestDoctorHealthySQLite(t *testing.T) {
	tg := dbtest.SQLite(t)
	db := dbtest.Open(t, tg)
	if _, err := db.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY); INSERT INTO legacy_users VALUES (1), (2)`); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := runDhmig(t, dir, []string{"DATABASE_URL=" + dbtest.URL(tg)}, "doctor", "-o", "json")
	mustCode(t, r, 0)
	var rep struct {
		OK     bool   `json:"ok"`
		Kind   string `json:"kind"`
		Checks []struct {
			Name, Status, Detail string
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range rep.Checks {
		got[c.Name] = c.Status + ": " + c.Detail
	}
	if !rep.OK || rep.Kind != "sqlite" || !strings.HasPrefix(got["connect"], "ok") ||
		got["legacy table"] != "ok: legacy_users has 2 rows" || !strings.HasPrefix(got["schema"], "warn") ||
		!strings.HasPrefix(got["backup dir"], "ok") {
		t.Errorf("doctor report = %+v", got)
	}
}

func TestBadInputExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stderr string
	}{
		{"unknown scheme", nil, []string{"--database-url", "mysql://u:s3cret@h/x", "schema", "status"}, 2, "accepted forms"},
		{"empty URL", []string{"DATABASE_URL="}, []string{"schema", "status"}, 2, "empty URL"},
		{"URL without a path", nil, []string{"--database-url", "postgres://u:s3cret@h", "doctor"}, 2, "no database name"},
		{"bad port", nil, []string{"--database-url", "postgres://u:s3cret@h:70000/x", "doctor"}, 2, "the port is not a number from 1 to 65535"},
		{"missing sqlite file", nil, []string{"--database-url", "sqlite:///missing.db", "schema", "up"}, 1, "database file does not exist: missing.db"},
		{"unknown command", nil, []string{"migrat"}, 2, "unknown command"},
		{"unknown flag", nil, []string{"schema", "status", "--frobnicate"}, 2, "unknown flag"},
		{"format a command lacks", nil, []string{"schema", "status", "-o", "junit"}, 2, `unknown output format "junit"`},
		{"quiet and verbose", nil, []string{"--quiet", "--verbose", "version"}, 2, "cannot be used together"},
		{"bad print dialect", nil, []string{"schema", "print", "--dialect", "oracle"}, 2, "unknown --dialect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runDhmig(t, dir, tt.env, tt.args...)
			mustCode(t, r, tt.code)
			if !strings.Contains(r.Stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r)
			}
			if strings.Contains(r.Stdout+r.Stderr, "s3cret") {
				t.Errorf("password printed:\n%s", r)
			}
			if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
				t.Fatal("dhmig created a missing SQLite database")
			}
		})
	}
}

func TestJSONErrorsAreJSON(t *testing.T) {
	r := runDhmig(t, t.TempDir(), nil, "--database-url", "sqlite:///missing.db", "schema", "status", "-o", "json")
	mustCode(t, r, 1)
	var doc struct {
		Error struct {
			ExitCode int    `json:"exit_code"`
			Kind     string `json:"kind"`
			Message  string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r)
	}
	if doc.Error.ExitCode != 1 || doc.Error.Kind != "error" || !strings.Contains(doc.Error.Message, "missing.db") {
		t.Errorf("error doc = %+v", doc)
	}
}

func TestConfigShowSourcesAndRedaction(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("JWT_SECRET_KEY=very-secret-jwt-key-from-dotenv\nMIGRATION_ENV=production\nBACKUP_LOCATION=/from/dotenv\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dhmig.yaml"), []byte("backup_dir: /from/yaml\nlog_file: /from/yaml.log\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"DATABASE_URL=postgres://app:hunter22@db:5432/app", "MIGRATION_ENV=staging"}
	r := runDhmig(t, dir, env, "config", "show", "--lock-timeout", "42s", "-o", "json")
	mustCode(t, r, 0)
	if strings.Contains(r.Stdout+r.Stderr, "hunter22") || strings.Contains(r.Stdout+r.Stderr, "very-secret") {
		t.Fatalf("config show printed a secret:\n%s", r)
	}
	var res struct {
		Settings []struct{ Key, Value, Source string } `json:"settings"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range res.Settings {
		got[s.Key] = s.Value + " | " + s.Source
	}
	want := map[string]string{
		"database_url":   "postgres://app:***@db:5432/app | env DATABASE_URL",
		"environment":    "staging | env MIGRATION_ENV",
		"backup_dir":     "/from/dotenv | dotenv " + filepath.Join(dir, ".env"),
		"log_file":       "/from/yaml.log | config " + filepath.Join(dir, "dhmig.yaml"),
		"lock_timeout":   "42s | flag --lock-timeout",
		"jwt_secret_key": "*** | dotenv " + filepath.Join(dir, ".env"),
		"jwt_algorithm":  "HS256 | default",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// TestConnectTimeout points dhmig at a port that accepts TCP connections but
// never speaks PostgreSQL: the connection must give up after
// --connect-timeout, naming the host and hiding the password.
func TestConnectTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // accepted, never answered
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	r := runDhmig(t, t.TempDir(), nil, "--database-url", "postgres://u:s3cret@"+addr+"/x", "--connect-timeout", "1s", "schema", "status")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "no answer within 1s (--connect-timeout)") || !strings.Contains(r.Stderr, addr) ||
		strings.Contains(r.Stdout+r.Stderr, "s3cret") {
		t.Fatalf("connect timeout message:\n%s", r)
	}
}
