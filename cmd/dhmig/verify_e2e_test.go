package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
)

type verifyJSON struct {
	OK     bool `json:"ok"`
	Checks []struct {
		ID       string `json:"id"`
		Status   string `json:"status"`
		Count    int64  `json:"count"`
		Examples []struct {
			ID, Email, Detail string
		} `json:"examples"`
	} `json:"checks"`
}

func parseVerify(t *testing.T, r result) verifyJSON {
	t.Helper()
	var v verifyJSON
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("verify -o json is not one JSON document: %v\n%s", err, r)
	}
	return v
}

func (v verifyJSON) notPassing() []string {
	var ids []string
	for _, c := range v.Checks {
		if c.Status == "fail" || c.Status == "warn" {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// freshFixture returns a clean migrated database of the same engine as tg.
func freshFixture(t *testing.T, tg database.Target) (database.Target, *database.DB) {
	t.Helper()
	tg = dbtest.Fresh(t, tg)
	db := dbtest.Open(t, tg)
	integritytest.Migrated(t, db)
	return tg, db
}

func TestVerifyE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}

		r := runDhmig(t, dir, env, "verify")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "verify passed: 16 checks, 16 passed") {
			t.Errorf("table output:\n%s", r)
		}
		v := parseVerify(t, runDhmig(t, dir, env, "verify", "-o", "json"))
		if !v.OK || len(v.notPassing()) != 0 || len(v.Checks) != 16 {
			t.Errorf("clean database: %+v", v)
		}
		r = runDhmig(t, dir, env, "verify", "-o", "junit")
		mustCode(t, r, 0)
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		}
		if err := xml.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.Tests != 16 || doc.Failures != 0 {
			t.Errorf("junit: %v %+v\n%s", err, doc, r)
		}

		// Defects planted one at a time, each in a fresh database, through the
		// binary; the rest are covered by pkg/integrity's unit tests.
		want := []string{"case-variant duplicate email", "pbkdf2_sha256 hash", "unknown status", "orphaned refresh token",
			"dropped index", "legacy row with no mapping", "NULL username", "active user without verified_at"}
		for _, d := range integritytest.Defects() {
			if !slices.Contains(want, d.Name) {
				continue
			}
			t.Run(strings.ReplaceAll(d.Name, " ", "_"), func(t *testing.T) {
				tg, db := freshFixture(t, tg)
				d.Plant(t, db)
				env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
				r := runDhmig(t, dir, env, "verify", "-o", "json")
				code := 3
				if d.Warning {
					code = 0
				}
				mustCode(t, r, code)
				v := parseVerify(t, r)
				if got := v.notPassing(); !slices.Equal(got, []string{d.Check}) {
					t.Fatalf("not passing = %v, want [%s]\n%s", got, d.Check, r)
				}
				if code == 3 && !strings.Contains(r.Stderr, "verification failed: "+d.Check) {
					t.Errorf("stderr should name the failing check:\n%s", r)
				}
				r = runDhmig(t, dir, env, "verify", "-o", "junit")
				mustCode(t, r, code)
				if !strings.Contains(r.Stdout, `name="`+d.Check+`"`) {
					t.Errorf("junit lacks %s:\n%s", d.Check, r)
				}
				// Skipping the failing check makes the rest pass.
				mustCode(t, runDhmig(t, dir, env, "verify", "--skip", d.Check), 0)
			})
		}
	})
}

func TestVerifyE2EErrors(t *testing.T) {
	dir := t.TempDir()
	missing := []string{"DATABASE_URL=sqlite:" + filepath.Join(dir, "nope.db")}
	r := runDhmig(t, dir, missing, "verify", "-o", "json")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stdout, `"exit_code": 1`) {
		t.Errorf("a JSON error document is expected:\n%s", r)
	}
	tg := dbtest.SQLite(t)
	db := dbtest.Open(t, tg)
	integritytest.Migrated(t, db)
	env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
	mustCode(t, runDhmig(t, dir, env, "verify", "--check", "data.nope"), 2)
	mustCode(t, runDhmig(t, dir, env, "verify", "--map-column", "email"), 2)
	mustCode(t, runDhmig(t, dir, env, "verify", "-o", "prometheus"), 2)
	r = runDhmig(t, dir, env, "verify", "--source-table", "old_users")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "legacy table old_users does not exist") {
		t.Errorf("stderr:\n%s", r)
	}
	r = runDhmig(t, dir, env, "verify", "--list")
	mustCode(t, r, 0)
	if strings.Count(r.Stdout, "\n") != 17 || !strings.Contains(r.Stdout, "parity.mapped_values") {
		t.Errorf("--list:\n%s", r)
	}
	mustCode(t, runDhmig(t, dir, env, "verify", "--check", "data.duplicate_emails,schema.tables"), 0)
}

func TestMetricsE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}

		r := runDhmig(t, dir, env, "metrics", "-o", "json")
		mustCode(t, r, 0)
		var s struct {
			Total      int64            `json:"total_users"`
			Active     int64            `json:"active_users"`
			Locked     int64            `json:"locked_accounts"`
			Unverified int64            `json:"unverified_users"`
			ByRole     map[string]int64 `json:"users_by_role"`
			Temp       *int64           `json:"temp_password_users"`
			Legacy     *int64           `json:"legacy_users"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if s.Total != integritytest.TotalUsers || s.Active != integritytest.ActiveUsers || s.Locked != integritytest.LockedAccounts ||
			s.Unverified != integritytest.UnverifiedUsers || s.ByRole["admin"] != 1 || *s.Temp != 1 || *s.Legacy != 6 {
			t.Errorf("metrics = %+v", s)
		}

		r = runDhmig(t, dir, env, "metrics", "-o", "prometheus")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "dhmig_users 5\n") || !strings.Contains(r.Stdout, `dhmig_users_by_role{role="admin"} 1`) {
			t.Errorf("prometheus:\n%s", r)
		}

		prom := filepath.Join(dir, "textfile", "dhmig.prom")
		os.MkdirAll(filepath.Dir(prom), 0o755)
		r = runDhmig(t, dir, env, "metrics", "--textfile", prom)
		mustCode(t, r, 0)
		st, err := os.Stat(prom)
		if err != nil || st.Mode().Perm() != 0o644 || r.Stdout != "" {
			t.Fatalf("textfile: %v %v, stdout %q", err, st, r.Stdout)
		}
		b, _ := os.ReadFile(prom)
		if !strings.Contains(string(b), "# TYPE dhmig_users gauge\ndhmig_users 5\n") {
			t.Errorf("textfile content:\n%s", b)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(prom), ".*.dhmig-tmp-*")); len(left) != 0 {
			t.Errorf("temporary files left behind: %v", left)
		}
		mustCode(t, runDhmig(t, dir, env, "metrics", "--textfile", filepath.Join(dir, "dhmig.txt")), 2)

		mustCode(t, runDhmig(t, dir, env, "metrics", "--log"), 2)
		logPath := filepath.Join(dir, "migration.log")
		for i := 0; i < 2; i++ {
			mustCode(t, runDhmig(t, dir, append(env, "MIGRATION_LOG="+logPath), "metrics", "--log", "--quiet"), 0)
		}
		lb, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(lb)), "\n") {
			if strings.Contains(l, `"msg":"auth metrics"`) {
				lines = append(lines, l)
			}
		}
		if len(lines) != 2 {
			t.Fatalf("want two metrics lines in the log, got:\n%s", lb)
		}
		var entry struct {
			Metrics struct {
				Total int64 `json:"total_users"`
			} `json:"metrics"`
		}
		if err := json.Unmarshal([]byte(lines[1]), &entry); err != nil || entry.Metrics.Total != 5 {
			t.Errorf("log line %q: %v", lines[1], err)
		}
	})
}

func TestVerifyAndMetricsAreReadOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		// A failing check too, so that the examples queries run.
		integritytest.InsertUser(t, db, integritytest.User{ID: "88888888-8888-4888-8888-888888888888", Email: "ALICE@example.com",
			Username: "henry", PasswordHash: "pbkdf2_sha256$1$x$y", Status: "banned", Roles: []string{"root"}})
		if tg.Kind == database.SQLite {
			db.Close() // nothing of ours holds the file while the binary runs
		}
		before := dbState(t, dbtest.Open(t, tg), tg)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
		for _, args := range [][]string{{"verify"}, {"verify", "-o", "json"}, {"verify", "-o", "junit"},
			{"metrics"}, {"metrics", "-o", "json"}, {"metrics", "-o", "prometheus"},
			{"metrics", "--textfile", filepath.Join(dir, "m.prom")}} {
			r := runDhmig(t, dir, env, args...)
			if r.Code != 0 && r.Code != 3 {
				t.Fatalf("%v: %s", args, r)
			}
		}
		if after := dbState(t, dbtest.Open(t, tg), tg); after != before {
			t.Fatalf("verify/metrics changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}
