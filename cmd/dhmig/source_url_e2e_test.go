package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestSourceURLMovesToPostgres is the "move to PostgreSQL while migrating"
// runbook through the binary, from a SQLite file and from another
// PostgreSQL database into a fresh PostgreSQL database: doctor sees both,
// the empty target's backup verifies and gates, the dry run names the
// database read and the one written, --execute accounts for every row and
// verifies, a second run migrates nothing, a legacy row added on the
// source fails exactly parity.legacy_rows until migrated, and rollback
// empties the target again. The source — every byte of a SQLite file —
// never changes through any of it.
func TestSourceURLMovesToPostgres(t *testing.T) {
	for _, c := range []struct {
		name string
		src  func(testing.TB) database.Target
	}{{"sqlite_to_postgres", dbtest.SQLite}, {"postgres_to_postgres", dbtest.Postgres}} {
		t.Run(c.name, func(t *testing.T) {
			src, tgt := c.src(t), dbtest.Postgres(t)
			generateLegacy(t, src, "--rows", "300", "--dirty-share", "0.05")
			sdb := dbtest.Open(t, src)
			dir := t.TempDir()
			env := []string{"DATABASE_URL=" + dbtest.URL(tgt), "DHMIG_SOURCE_URL=" + dbtest.URL(src),
				"BACKUP_LOCATION=" + dir + "/backups"}
			pristine := dbState(t, sdb, src)
			unchanged := func(step string) {
				t.Helper()
				if dbState(t, sdb, src) != pristine {
					t.Fatalf("%s changed the source database", step)
				}
			}

			r := runDhmig(t, dir, env, "doctor", "-o", "json")
			var doc struct {
				Source string `json:"source"`
				Checks []struct{ Name, Status, Detail string }
			}
			if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.Source != src.Redacted() {
				t.Fatalf("doctor: %+v (%v)\n%s", doc, err, r)
			}
			seen := map[string]string{}
			for _, ch := range doc.Checks {
				seen[ch.Name] = ch.Status + " " + ch.Detail
			}
			if !strings.HasPrefix(seen["connect"], "ok") || !strings.HasPrefix(seen["source connect"], "ok") ||
				seen["legacy table"] != "ok legacy_users has 300 rows" {
				t.Fatalf("doctor checks both databases and counts the source's legacy rows: %v", seen)
			}
			unchanged("doctor")

			mustCode(t, runDhmig(t, dir, env, "migrate", "--execute"), 5)
			r = runDhmig(t, dir, env, "backup", "-o", "json")
			mustCode(t, r, 0)
			var bk struct {
				ID       string `json:"id"`
				Manifest struct {
					Database struct {
						Empty  bool     `json:"empty"`
						Tables []string `json:"tables"`
					} `json:"database"`
					Source struct {
						Identity string `json:"identity"`
						Rows     int64  `json:"rows"`
						SHA256   string `json:"sha256"`
					} `json:"source"`
				} `json:"manifest"`
			}
			if err := json.Unmarshal([]byte(r.Stdout), &bk); err != nil {
				t.Fatal(err, r)
			}
			if !bk.Manifest.Database.Empty || len(bk.Manifest.Database.Tables) != 0 || bk.Manifest.Source.Rows != 300 ||
				bk.Manifest.Source.Identity != src.Identity() || len(bk.Manifest.Source.SHA256) != 64 {
				t.Fatalf("manifest of the empty target: %+v", bk.Manifest)
			}
			mustCode(t, runDhmig(t, dir, env, "backup", "verify", bk.ID), 0)

			r = runDhmig(t, dir, env, append([]string{"migrate", "--dry-run"}, policies...)...)
			mustCode(t, r, 0)
			for _, want := range []string{"DRY RUN", "read from:   " + src.Redacted(), "written to:  " + tgt.Redacted(),
				"backup gate: ok: verified backup " + bk.ID} {
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("dry run lacks %q:\n%s", want, r)
				}
			}
			unchanged("migrate --dry-run")

			r = runDhmig(t, dir, env, append([]string{"migrate", "--execute", "-o", "json"}, policies...)...)
			mustCode(t, r, 0)
			ex := parseMigrate(t, r)
			if !ex.Committed || !ex.Verify.OK || ex.Users.Migrated+ex.Users.Rejected != 300 || ex.Users.Rejected == 0 {
				t.Fatalf("execute: %+v", ex)
			}
			unchanged("migrate --execute")
			tdb := dbtest.Open(t, tgt)
			var details string
			if err := tdb.Get(&details, `SELECT details FROM dhmig_runs WHERE command = 'migrate' AND outcome = 'ok'`); err != nil ||
				!strings.Contains(details, bk.Manifest.Source.SHA256) || !strings.Contains(details, `"source_rows":"300"`) {
				t.Errorf("the audit trail records the source's rows and checksum: %q (%v)", details, err)
			}

			mustCode(t, runDhmig(t, dir, env, "verify"), 0)
			r = runDhmig(t, dir, env, "metrics", "-o", "json")
			mustCode(t, r, 0)
			if !strings.Contains(r.Stdout, `"legacy_users": 300`) {
				t.Errorf("metrics counts the source's legacy rows:\n%s", r)
			}
			r = runDhmig(t, dir, env, append([]string{"migrate", "--execute", "-o", "json"}, policies...)...)
			mustCode(t, r, 0)
			if again := parseMigrate(t, r); again.Users.Migrated != 0 || !again.Verify.OK {
				t.Fatalf("second execute: %+v", again)
			}
			unchanged("verify, metrics and a second migrate")

			// A legacy row added on the source after the migration.
			if _, err := sdb.Exec(`INSERT INTO legacy_users (id, email, username, password_hash) VALUES (100000, 'late@example.com', 'late', NULL)`); err != nil {
				t.Fatal(err)
			}
			pristine = dbState(t, sdb, src)
			r = runDhmig(t, dir, env, "verify", "-o", "json")
			mustCode(t, r, 3)
			var rep struct {
				Checks []struct{ ID, Status string }
			}
			if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, ch := range rep.Checks {
				if ch.Status == "fail" {
					failed = append(failed, ch.ID)
				}
			}
			if strings.Join(failed, ",") != "parity.legacy_rows" {
				t.Fatalf("a legacy row added on the source must fail parity.legacy_rows only: %v", failed)
			}
			r = runDhmig(t, dir, env, append([]string{"migrate-users", "--execute", "-o", "json"}, policies...)...)
			mustCode(t, r, 0)
			if !strings.Contains(r.Stdout, `"migrated": 1,`) {
				t.Fatalf("the added row is migrated alone:\n%s", r)
			}
			mustCode(t, runDhmig(t, dir, env, "verify"), 0)
			unchanged("verify and migrate-users")

			r = runDhmig(t, dir, env, "rollback", "--backup", bk.ID, "--yes", "--no-safety-backup")
			mustCode(t, r, 0)
			tables, err := tdb.Dialect.Tables(t.Context(), tdb)
			if err != nil || len(tables) != 0 {
				t.Fatalf("rollback to the empty backup leaves tables %v (%v)", tables, err)
			}
			unchanged("rollback")
			if c.name == "sqlite_to_postgres" {
				if extra, _ := filepath.Glob(src.Path + "-*"); len(extra) != 0 {
					t.Errorf("files beside the source: %v", extra)
				}
				if _, err := os.Stat(src.Path); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestSourceURLPasswordNeverPrinted: a password in --source-url is masked
// like the target's, in every output of the commands that read the source,
// in the manifest, the audit trail and the migration log, and in the error
// of a source that cannot be reached.
func TestSourceURLPasswordNeverPrinted(t *testing.T) {
	const secret = "Src-S3cret-pw"
	src, tgt := dbtest.Postgres(t), dbtest.Postgres(t)
	generateLegacy(t, src, "--rows", "30")
	withPW := src
	withPW.User, withPW.Password = "postgres", secret
	dir := t.TempDir()
	log := filepath.Join(dir, "migration.log")
	env := []string{"DATABASE_URL=" + dbtest.URL(tgt), "BACKUP_LOCATION=" + dir + "/backups", "MIGRATION_LOG=" + log}
	check := func(r result, what string) {
		t.Helper()
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("%s printed the source's password:\n%s", what, r)
		}
	}
	good := append(env, "DHMIG_SOURCE_URL="+withPW.URL())
	for _, args := range [][]string{{"doctor"}, {"config", "show"}, {"backup", "-o", "json"},
		append([]string{"migrate", "--execute", "-o", "json"}, policies...), {"verify", "-o", "json"},
		{"metrics", "-o", "json"}, {"history", "-o", "json"}, {"migrate-users", "--verbose"}} {
		r := runDhmig(t, dir, good, args...)
		check(r, strings.Join(args, " "))
		if args[0] == "migrate" && r.Code != 0 {
			t.Fatalf("migrate with a password in --source-url: %s", r)
		}
	}
	r := runDhmig(t, dir, append(env, "DHMIG_SOURCE_URL=postgres://someone:"+secret+"@127.0.0.1:1/nowhere?sslmode=disable"), "verify")
	mustCode(t, r, 1)
	check(r, "verify against an unreachable source")
	if !strings.Contains(r.Stderr, "source database") {
		t.Errorf("the error names the source database:\n%s", r)
	}
	var files []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), secret) {
			t.Errorf("%s holds the source's password", p)
		}
	}
	tdb := dbtest.Open(t, tgt)
	var n int
	if err := tdb.Get(&n, `SELECT COUNT(*) FROM dhmig_runs WHERE details LIKE '%' || $1 || '%'`, secret); err != nil || n != 0 {
		t.Errorf("the audit trail holds the source's password (%d rows, %v)", n, err)
	}
}
