package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	sqlfiles "github.com/dhafnckmcp/dhmig/sql"
)

// appUsers are made by the application itself before dhmig runs: dhmig must
// leave them exactly as they are, whatever it migrates or rolls back.
const appUsers = `INSERT INTO users (id, email, username, password_hash, status, roles, email_verified, email_verified_at,
	failed_login_attempts, refresh_token_version, created_at, updated_at) VALUES
	('%[1]s', 'owner@app.example.org', 'app-owner', '%[5]s', 'ACTIVE', '["admin"]', %[3]s, '2025-01-02 03:04:05.000000', 0, 0,
		'2025-01-02 03:04:05.000000', '2025-01-02 03:04:05.000000'),
	('%[2]s', 'second@app.example.org', 'app-second', '%[5]s', 'PENDING_VERIFICATION', '["user"]', %[4]s, NULL, 3, 1,
		'2025-02-03 04:05:06.000000', '2025-02-03 04:05:06.000000')`

// knownUsers are legacy users whose password the test knows, so that a
// real client can check them: ids far above legacygen's.
type knownUser struct {
	id       int
	password string
	active   bool
}

func knownUsers() []knownUser {
	var out []knownUser
	for i := range 6 {
		out = append(out, knownUser{id: 900001 + i, password: fmt.Sprintf("known-password-%d", i), active: i%3 != 2})
	}
	return out
}

func plantKnownUsers(t *testing.T, db *database.DB) {
	t.Helper()
	for _, k := range knownUsers() {
		h, err := bcrypt.GenerateFromPassword([]byte(k.password), 4)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(db.Rebind(`INSERT INTO legacy_users (id, email, username, password_hash, created_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`),
			k.id, fmt.Sprintf("  Known%d@Example.COM ", k.id), fmt.Sprintf("known-%d", k.id), string(h),
			db.Dialect.Timestamp(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)), db.Dialect.Bool(k.active))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// appSchema creates the application's tables from the dhafnck target's DDL,
// as the app would have before dhmig runs.
func appSchema(t *testing.T, db *database.DB, tg database.Target) {
	t.Helper()
	up, err := fs.ReadFile(sqlfiles.FS, "dhafnck/"+string(tg.Kind)+"/0001_app_schema.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	bkExec(t, db, string(up))
	yes, no := db.Dialect.Bool(true), db.Dialect.Bool(false)
	ids := []string{"0a0a0a0a0a0a4a0a8a0a0a0a0a0a0a01", "0a0a0a0a0a0a4a0a8a0a0a0a0a0a0a02"}
	if tg.Kind == database.Postgres {
		ids = []string{"0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a01", "0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a02"}
	}
	h, err := bcrypt.GenerateFromPassword([]byte("app-password"), 4)
	if err != nil {
		t.Fatal(err)
	}
	bkExec(t, db, fmt.Sprintf(appUsers, ids[0], ids[1], fmt.Sprint(yes), fmt.Sprint(no), h))
}

// appRows is the application's own users, every column as text.
func appRows(t *testing.T, db *database.DB) string {
	t.Helper()
	var rows []string
	if err := db.Select(&rows, `SELECT CAST(id AS TEXT) || '|' || email || '|' || username || '|' || password_hash || '|' || status || '|' ||
		CAST(roles AS TEXT) || '|' || CAST(failed_login_attempts AS TEXT) || '|' || CAST(refresh_token_version AS TEXT) || '|' ||
		CAST(created_at AS TEXT) FROM users WHERE email LIKE '%@app.example.org' ORDER BY email`); err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

// TestDhafnckTargetE2E is issue 18 on both engines, into an empty database
// and into one where the app made its tables and users first: schema up,
// the dirty fixtures migrated with every row accounted for, verify, a
// re-run that migrates nothing, a real SQLAlchemy client reading the
// result, and rollback --schema-only leaving the app's tables and users.
func TestDhafnckTargetE2E(t *testing.T) {
	python := pythonClient(t)
	client, err := filepath.Abs("../../testdata/python/dhafnck_client.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, withApp := range []bool{false, true} {
		t.Run(map[bool]string{false: "empty", true: "app-tables"}[withApp], func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, tg database.Target) {
				generateLegacy(t, tg, "--rows", "120", "--dirty-share", "0.25")
				db := dbtest.Open(t, tg)
				plantKnownUsers(t, db)
				before := ""
				if withApp {
					appSchema(t, db, tg)
					before = appRows(t, db)
					plantAppConflict(t, db)
				}
				dir := t.TempDir()
				env := []string{"DATABASE_URL=" + dbtest.URL(tg), "DHMIG_TARGET=dhafnck"}

				r := runDhmig(t, dir, env, "schema", "up")
				mustCode(t, r, 0)
				if withApp != strings.Contains(r.Stdout, "adopted the existing users, user_sessions, email_tokens") {
					t.Errorf("schema up (app tables %v):\n%s", withApp, r)
				}

				rejectsPath := filepath.Join(dir, "rejects.ndjson")
				r = runDhmig(t, dir, env, append([]string{"migrate-users", "--execute", "-o", "json", "--rejects", rejectsPath}, policies...)...)
				mustCode(t, r, 0)
				checkRejectsNameUsers(t, rejectsPath, withApp)
				checkPasswordChangedAt(t, db)
				var out map[string]any
				if err := json.Unmarshal([]byte(firstJSON(r.Stdout)), &out); err != nil {
					t.Fatalf("migrate-users json: %v\n%s", err, r)
				}
				read, migrated, rejects := num(out["rows_read"]), num(out["migrated"]), num(out["rejected"])
				if migrated == 0 || rejects == 0 || migrated+rejects != read {
					t.Fatalf("migrated %d + rejected %d != read %d\n%s", migrated, rejects, read, r)
				}
				var legacy, mapped, rejected, users int64
				for q, n := range map[string]*int64{`SELECT COUNT(*) FROM legacy_users`: &legacy, `SELECT COUNT(*) FROM dhmig_user_map`: &mapped,
					`SELECT COUNT(*) FROM dhmig_rejects`: &rejected, `SELECT COUNT(*) FROM users`: &users} {
					if err := db.Get(n, q); err != nil {
						t.Fatal(err)
					}
				}
				appN := map[bool]int64{false: 0, true: 2}[withApp]
				if mapped+rejected != legacy || users != mapped+appN {
					t.Fatalf("legacy %d, mapped %d, rejected %d, users %d (app's %d)", legacy, mapped, rejected, users, appN)
				}

				checkVerifyNamesUsers(t, dir, env)
				r = runDhmig(t, dir, env, "metrics", "-o", "json")
				mustCode(t, r, 0)
				var m map[string]any
				if err := json.Unmarshal([]byte(r.Stdout), &m); err != nil {
					t.Fatalf("metrics json: %v\n%s", err, r)
				}
				if num(m["total_users"]) != users || num(m["active_users"])+num(m["unverified_users"]) != users {
					t.Errorf("metrics: total %v, active %v, unverified %v; %d users", m["total_users"], m["active_users"], m["unverified_users"], users)
				}

				r = runDhmig(t, dir, env, append([]string{"migrate-users", "--execute", "-o", "json"}, policies...)...)
				mustCode(t, r, 0)
				out = nil
				if err := json.Unmarshal([]byte(firstJSON(r.Stdout)), &out); err != nil {
					t.Fatalf("migrate-users json: %v\n%s", err, r)
				}
				if num(out["migrated"]) != 0 || num(out["already_migrated"]) != mapped {
					t.Errorf("re-run: migrated %v, already %v, want 0 and %d\n%s", out["migrated"], out["already_migrated"], mapped, r)
				}

				readWithApp(t, python, client, tg, dir)
				checkLoginCheck(t, dir, env, db, withApp)

				// The guide target sees another target's schema: a usage error, nothing changed.
				r = runDhmig(t, dir, []string{"DATABASE_URL=" + dbtest.URL(tg)}, "schema", "up")
				mustCode(t, r, 2)

				r = runDhmig(t, dir, env, "rollback", "--schema-only", "--yes", "--no-safety-backup")
				mustCode(t, r, 0)
				tables, err := db.Dialect.Tables(t.Context(), db)
				if err != nil {
					t.Fatal(err)
				}
				want := []string{"legacy_users"}
				if withApp {
					want = []string{"email_tokens", "legacy_users", "user_sessions", "users"}
				}
				if !slices.Equal(tables, want) {
					t.Errorf("after rollback --schema-only: tables %v, want %v\n%s", tables, want, r)
				}
				if withApp {
					if after := appRows(t, db); after != before {
						t.Errorf("the app's users changed:\nbefore %s\nafter  %s", before, after)
					}
					if err := db.Get(&users, `SELECT COUNT(*) FROM users`); err != nil || users != 2 {
						t.Errorf("users holds %d rows after the rollback, want the app's 2 (%v)", users, err)
					}
				}
			})
		})
	}
}

// readWithApp runs the SQLAlchemy client on the migrated database.
func readWithApp(t *testing.T, python, client string, tg database.Target, dir string) {
	t.Helper()
	known := map[string]any{"passwords": map[string]string{}, "active": []string{}}
	for _, k := range knownUsers() {
		known["passwords"].(map[string]string)[fmt.Sprint(k.id)] = k.password
		if k.active {
			known["active"] = append(known["active"].([]string), fmt.Sprint(k.id))
		}
	}
	b, _ := json.Marshal(known)
	path := filepath.Join(dir, "known.json")
	writeFile(t, path, string(b))
	url := "sqlite:///" + tg.Path
	if tg.Kind == database.Postgres {
		url = "postgresql+psycopg2://" + strings.TrimPrefix(dbtest.URL(tg), "postgres://")
	}
	out, err := exec.Command(python, client, url, path).CombinedOutput()
	if err != nil {
		t.Fatalf("the app's SQLAlchemy model refuses the migrated users: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "ok: ") {
		t.Fatalf("client said:\n%s", out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}
