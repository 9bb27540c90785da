package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// migrateUsersJSON is the part of the documented JSON shape the tests read.
type migrateUsersJSON struct {
	RunID           string           `json:"run_id"`
	DryRun          bool             `json:"dry_run"`
	Written         bool             `json:"written"`
	Outcome         string           `json:"outcome"`
	RowsRead        int64            `json:"rows_read"`
	AlreadyMigrated int64            `json:"already_migrated"`
	Migrated        int64            `json:"migrated"`
	TempPasswords   int64            `json:"temp_passwords"`
	Rejected        int64            `json:"rejected"`
	RejectedByCode  map[string]int64 `json:"rejected_by_code"`
	RejectsReport   string           `json:"rejects_report"`
}

// seedLegacy writes a small dirty legacy table: 6 clean rows, a
// case-variant duplicate email, a malformed email, NULL and empty hashes, a
// Django hash and a row with SQL-looking text.
func seedLegacy(t *testing.T, db *database.DB) (hashes []string) {
	t.Helper()
	if _, err := db.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320), username VARCHAR(200),
		password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`); err != nil {
		t.Fatal(err)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("pw"), 4)
	g := string(h)
	ins := db.Rebind(`INSERT INTO legacy_users VALUES (?, ?, ?, ?, ?, ?)`)
	rows := [][]any{
		{1, "ann@example.com", "ann", g, "2023-01-01 10:00:00", true},
		{2, "ben@example.com", "ben", g, "2023-01-02 10:00:00", false},
		{3, "cat@example.com", "cat", nil, "2023-01-03 10:00:00", true},
		{4, "dan@example.com", "dan", "", nil, nil},
		{5, "hara+x--y@example.com", "x'); DROP TABLE auth_users;--", g, "2023-01-05 10:00:00", true},
		{6, "eve@example.com", "eve", g, "2023-01-06 10:00:00", true},
		{7, " ANN@Example.com", "ann7", g, "2023-02-01 10:00:00", true},
		{8, "not-an-email", "fay", g, "2023-02-02 10:00:00", true},
		{9, "gus@example.com", "gus", "pbkdf2_sha256$600000$c2FsdA$aGFzaA==", "2023-02-03 10:00:00", true},
	}
	for _, r := range rows {
		if b, ok := r[5].(bool); ok {
			r[5] = db.Dialect.Bool(b)
		}
		if _, err := db.Exec(ins, r...); err != nil {
			t.Fatal(err)
		}
		if s, ok := r[3].(string); ok && s != "" {
			hashes = append(hashes, s)
		}
	}
	return hashes
}

func decode(t *testing.T, r result) migrateUsersJSON {
	t.Helper()
	var out migrateUsersJSON
	dec := json.NewDecoder(strings.NewReader(r.Stdout))
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("json: %v\n%s", err, r)
	}
	return out
}

func TestMigrateUsersE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		hashes := seedLegacy(t, db)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
		mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)

		// Default policies on a dirty table: exit 3, nothing written but the
		// audit row of the refused attempt, a report.
		beforeData := dataState(t, db)
		r := runDhmig(t, dir, env, "migrate-users", "--execute", "--bcrypt-cost", "4")
		mustCode(t, r, 3)
		if !strings.Contains(r.Stdout, "REJECTED: nothing was written") || !strings.Contains(r.Stderr, "legacy rows rejected") {
			t.Errorf("rejected run output:\n%s", r)
		}
		if dataState(t, db) != beforeData {
			t.Error("a rejected run changed the database")
		}
		var outcome string
		if err := db.Get(&outcome, `SELECT outcome FROM dhmig_runs WHERE command = 'migrate-users'`); err != nil || outcome != "rejected" {
			t.Errorf("audit row of the refused run: %q, %v", outcome, err)
		}
		before := dbState(t, db, tg)
		reports, _ := filepath.Glob(filepath.Join(dir, "dhmig-rejects-*.ndjson"))
		if len(reports) != 1 {
			t.Fatalf("reports = %v", reports)
		}
		checkReport(t, reports[0], hashes, map[string]string{"1": "CONFLICT_EMAIL", "7": "CONFLICT_EMAIL", "8": "INVALID_EMAIL", "9": "UNSUPPORTED_HASH"})

		// A dry run with policies that let rows through changes nothing and
		// says so.
		args := []string{"migrate-users", "--on-conflict", "skip", "--unsupported-hash", "reset", "--bcrypt-cost", "4"}
		rejects := filepath.Join(dir, "reports", "dry.ndjson")
		r = runDhmig(t, dir, env, append(args, "--rejects", rejects)...)
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "DRY RUN: nothing was written") || !strings.Contains(r.Stdout, "would migrate") {
			t.Errorf("dry run output:\n%s", r)
		}
		if dbState(t, db, tg) != before {
			t.Error("the dry run changed the database")
		}
		checkReport(t, rejects, hashes, map[string]string{"7": "CONFLICT_EMAIL", "8": "INVALID_EMAIL"})
		dry := decode(t, runDhmig(t, dir, env, append(args, "-o", "json", "--dry-run")...))
		if !dry.DryRun || dry.Written || dry.Migrated != 7 || dry.Rejected != 2 || dry.TempPasswords != 3 {
			t.Errorf("dry run json = %+v", dry)
		}

		// Execute: the same counts, written.
		ex := decode(t, runDhmig(t, dir, env, append(args, "-o", "json", "--execute")...))
		if !ex.Written || ex.DryRun || ex.Migrated != dry.Migrated || ex.Rejected != dry.Rejected ||
			ex.TempPasswords != dry.TempPasswords || fmt.Sprint(ex.RejectedByCode) != fmt.Sprint(dry.RejectedByCode) {
			t.Errorf("execute %+v differs from dry run %+v", ex, dry)
		}
		var n int64
		if err := db.Get(&n, `SELECT COUNT(*) FROM auth_users a JOIN dhmig_user_map m ON m.user_id = a.id`); err != nil || n != 7 {
			t.Errorf("migrated users = %d (%v), want 7", n, err)
		}
		var email string
		if err := db.Get(&email, `SELECT a.email FROM auth_users a JOIN dhmig_user_map m ON m.user_id = a.id WHERE m.legacy_id = '5'`); err != nil || email != "hara+x--y@example.com" {
			t.Errorf("row 5 email = %q (%v)", email, err)
		}

		// Twice: nothing more.
		again := decode(t, runDhmig(t, dir, env, append(args, "-o", "json", "--execute")...))
		if again.Migrated != 0 || again.AlreadyMigrated != 7 || again.RowsRead != 9 {
			t.Errorf("second execute = %+v", again)
		}
		r = runDhmig(t, dir, env, append(args, "--execute")...)
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "Nothing to migrate") {
			t.Errorf("third execute output:\n%s", r)
		}
	})
}

func checkReport(t *testing.T, path string, hashes []string, want map[string]string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if bytes.Contains(b, []byte("@")) || bytes.Contains(b, []byte("$2")) || bytes.Contains(b, []byte("pbkdf2_sha256$")) {
		t.Errorf("report holds an email or a hash:\n%s", b)
	}
	for _, h := range hashes {
		if bytes.Contains(b, []byte(h)) {
			t.Errorf("report holds a hash")
		}
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var l struct {
			ID   string `json:"legacy_id"`
			Code string `json:"code"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("report line %q: %v", line, err)
		}
		got[l.ID] = l.Code
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("report = %v, want %v", got, want)
	}
}

func TestMigrateUsersE2EErrors(t *testing.T) {
	tg := dbtest.SQLite(t)
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"migrate-users"}, 1, "dhmig schema up"},
		{[]string{"migrate-users", "--execute", "--dry-run"}, 2, "execute"},
		{[]string{"migrate-users", "--bcrypt-cost", "3"}, 2, "--bcrypt-cost"},
		{[]string{"migrate-users", "--on-conflict", "merge"}, 2, "--on-conflict"},
		{[]string{"migrate-users", "--unsupported-hash", "drop"}, 2, "--unsupported-hash"},
		{[]string{"migrate-users", "--temp-passwords", "plain"}, 2, "--temp-passwords"},
		{[]string{"migrate-users", "--map-column", "phone=tel"}, 2, "--map-column"},
		{[]string{"migrate-users", "--source-table", "x;drop"}, 2, "invalid SQL identifier"}, // a bad flag, found before connecting
	} {
		r := runDhmig(t, dir, env, tc.args...)
		mustCode(t, r, tc.code)
		if !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.want, r)
		}
	}
	r := runDhmig(t, dir, env, "migrate-users", "-o", "json")
	mustCode(t, r, 1)
	var doc struct {
		Error struct {
			ExitCode int    `json:"exit_code"`
			Message  string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.Error.ExitCode != 1 || !strings.Contains(doc.Error.Message, "schema up") {
		t.Errorf("json error = %+v (%v)\n%s", doc, err, r)
	}
}
