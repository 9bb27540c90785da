package main

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// migrateJSON is the part of migrate's documented JSON shape the tests read.
type migrateJSON struct {
	DryRun    bool   `json:"dry_run"`
	Committed bool   `json:"committed"`
	Outcome   string `json:"outcome"`
	RunID     string `json:"run_id"`
	Gate      struct {
		Status   string `json:"status"`
		BackupID string `json:"backup_id"`
	} `json:"backup_gate"`
	Schema []struct {
		Version int `json:"version"`
	} `json:"schema_applied"`
	Users struct {
		RowsRead       int64            `json:"rows_read"`
		Migrated       int64            `json:"migrated"`
		Rejected       int64            `json:"rejected"`
		TempPasswords  int64            `json:"temp_passwords"`
		RejectedByCode map[string]int64 `json:"rejected_by_code"`
	} `json:"users"`
	Verify struct {
		OK     bool `json:"ok"`
		Checks []struct {
			ID, Status string
		} `json:"checks"`
	} `json:"verify"`
	RejectsReport string `json:"rejects_report"`
}

func parseMigrate(t *testing.T, r result) migrateJSON {
	t.Helper()
	var m migrateJSON
	if err := json.Unmarshal([]byte(firstJSON(r.Stdout)), &m); err != nil {
		t.Fatalf("migrate json: %v\n%s", err, r)
	}
	return m
}

func generateLegacy(t *testing.T, tg database.Target, args ...string) {
	t.Helper()
	out, err := exec.Command(legacygenBin, append([]string{"--database-url", dbtest.URL(tg)}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("legacygen: %v\n%s", err, out)
	}
}

var policies = []string{"--on-conflict", "skip", "--unsupported-hash", "reset", "--bcrypt-cost", "4"}

// TestMigrateOperatorFlow is the operator's path: a refused --execute
// without a backup, backup, dry run, execute, verify, metrics, a second
// execute that finds nothing new.
func TestMigrateOperatorFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		generateLegacy(t, tg, "--rows", "400", "--dirty-share", "0.05")
		db := dbtest.Open(t, tg)
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg), "BACKUP_LOCATION=" + dir + "/backups"}
		pristine := dbState(t, db, tg)

		r := runDhmig(t, dir, env, append([]string{"migrate", "--execute"}, policies...)...)
		mustCode(t, r, 5)
		if !strings.Contains(r.Stderr, "no backup of") || dbState(t, db, tg) != pristine {
			t.Fatalf("--execute without a backup must refuse and change nothing:\n%s", r)
		}

		r = runDhmig(t, dir, env, "backup")
		mustCode(t, r, 0)
		backupID := strings.TrimSpace(r.Stdout)

		r = runDhmig(t, dir, env, append([]string{"migrate", "--dry-run"}, policies...)...)
		mustCode(t, r, 0)
		for _, want := range []string{"DRY RUN: nothing was written", "backup gate: ok: verified backup " + backupID,
			"would apply 0001_auth_schema, 0002_dhmig_bookkeeping, 0003_legacy_id_collation", "would migrate", "parity.legacy_rows"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("dry run output lacks %q:\n%s", want, r)
			}
		}
		if dbState(t, db, tg) != pristine {
			t.Fatal("the dry run changed the database")
		}
		dry := parseMigrate(t, runDhmig(t, dir, env, append([]string{"migrate", "-o", "json"}, policies...)...))

		r = runDhmig(t, dir, env, append([]string{"migrate", "--execute", "-o", "json"}, policies...)...)
		mustCode(t, r, 0)
		ex := parseMigrate(t, r)
		if !ex.Committed || ex.Outcome != "committed" || ex.Gate.BackupID != backupID || len(ex.Schema) != 5 || !ex.Verify.OK {
			t.Fatalf("execute = %+v", ex)
		}
		if ex.Users.Migrated != dry.Users.Migrated || ex.Users.Rejected != dry.Users.Rejected || ex.Users.Migrated+ex.Users.Rejected != 400 {
			t.Errorf("execute counts %+v differ from the dry run's %+v or do not add up to 400", ex.Users, dry.Users)
		}
		if ex.Users.Rejected == 0 || ex.RejectsReport == "" {
			t.Errorf("a dirty fixture must produce rejects: %+v", ex)
		}
		var mapped int64
		if err := db.Get(&mapped, `SELECT COUNT(*) FROM auth_users a JOIN dhmig_user_map m ON m.user_id = a.id`); err != nil || mapped != ex.Users.Migrated {
			t.Errorf("mapped auth users = %d (%v), want %d", mapped, err, ex.Users.Migrated)
		}

		mustCode(t, runDhmig(t, dir, env, "verify"), 0)
		r = runDhmig(t, dir, env, "metrics", "-o", "json")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, `"total_users"`) {
			t.Errorf("metrics json:\n%s", r)
		}

		r = runDhmig(t, dir, env, append([]string{"migrate", "--execute", "-o", "json"}, policies...)...)
		mustCode(t, r, 0)
		again := parseMigrate(t, r)
		if !again.Committed || again.Users.Migrated != 0 || len(again.Schema) != 0 || !again.Verify.OK {
			t.Errorf("second execute = %+v", again)
		}

		r = runDhmig(t, dir, env, "history", "-o", "json")
		mustCode(t, r, 0)
		var h struct {
			Runs []struct {
				Command, Outcome string
				BackupID         *string `json:"backup_id"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &h); err != nil || len(h.Runs) != 2 {
			t.Fatalf("history = %+v (%v)", h, err)
		}
		for _, run := range h.Runs {
			if run.Command != "migrate" || run.Outcome != "ok" || run.BackupID == nil || *run.BackupID != backupID {
				t.Errorf("history run = %+v", run)
			}
		}
	})
}

// TestMigrateVerifyFailureCommitsNothing plants a pre-existing auth user the
// app could not load (unknown status, a pbkdf2 hash): verify fails inside
// the transaction, migrate exits 3 and the data is exactly as before.
func TestMigrateVerifyFailureCommitsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		generateLegacy(t, tg, "--rows", "50")
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
		mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
		db := dbtest.Open(t, tg)
		if _, err := db.Exec(`INSERT INTO auth_users (email, username, password_hash, status)
			VALUES ('old@example.com', 'old', 'pbkdf2_sha256$600000$c2FsdA$aGFzaA==', 'banned')`); err != nil {
			t.Fatal(err)
		}
		before := dataState(t, db)
		r := runDhmig(t, dir, env, append([]string{"migrate", "--execute", "--skip-backup-check"}, policies...)...)
		mustCode(t, r, 3)
		for _, want := range []string{"ROLLED BACK: verify failed", "data.unknown_status", "data.password_hash_scheme"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r)
			}
		}
		if dataState(t, db) != before {
			t.Fatal("a migrate whose verify failed changed the data")
		}
		var outcome, details string
		if err := db.QueryRow(`SELECT outcome, details FROM dhmig_runs WHERE command = 'migrate'`).Scan(&outcome, &details); err != nil ||
			outcome != "verify-failed" || !strings.Contains(details, "skip-backup-check") {
			t.Errorf("audit row = %q %q (%v)", outcome, details, err)
		}
	})
}

func TestMigrateProductionNeedsYes(t *testing.T) {
	tg := dbtest.SQLite(t)
	generateLegacy(t, tg, "--rows", "20")
	db := dbtest.Open(t, tg)
	before := dbState(t, db, tg)
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + dbtest.URL(tg), "MIGRATION_ENV=production"}
	r := runDhmig(t, dir, env, "migrate", "--execute", "--skip-backup-check")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "production") || !strings.Contains(r.Stderr, "--yes") || dbState(t, db, tg) != before {
		t.Fatalf("production --execute without --yes:\n%s", r)
	}
	r = runDhmig(t, dir, env, "migrate", "--execute", "--skip-backup-check", "--yes", "--bcrypt-cost", "4")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stdout, "COMMITTED: 20 users migrated") {
		t.Errorf("production --execute --yes:\n%s", r)
	}
}

// TestMigrateInterruptedRollsBack sends SIGINT while migrate --execute is
// hashing temporary passwords: the transaction rolls back and the database
// is exactly as before.
func TestMigrateInterruptedRollsBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		// 200 temporary passwords at cost 12 take tens of seconds: the
		// signal lands mid-copy.
		generateLegacy(t, tg, "--rows", "4000", "--null-hash-share", "0.05")
		db := dbtest.Open(t, tg)
		before := dataState(t, db)
		cmd := exec.Command(dhmigBin, "migrate", "--execute", "--skip-backup-check", "--bcrypt-cost", "12", "--verbose")
		cmd.Dir = t.TempDir()
		cmd.Env = append(baseEnv(), "DATABASE_URL="+dbtest.URL(tg))
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stdout strings.Builder
		cmd.Stdout = &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var logs strings.Builder
		copying := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(stderr)
			signalled := false
			for sc.Scan() {
				logs.WriteString(sc.Text() + "\n")
				if !signalled && strings.Contains(sc.Text(), `msg="temporary passwords"`) {
					signalled = true
					close(copying)
				}
			}
		}()
		select {
		case <-copying:
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
			t.Fatalf("migrate never reached the copy:\n%s", logs.String())
		}
		time.Sleep(300 * time.Millisecond) // into the hashing workers
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		<-done
		err = cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		if code != 1 || !strings.Contains(logs.String(), "interrupted") || !strings.Contains(logs.String(), "rolled back") {
			t.Fatalf("interrupted migrate: exit %d (%v)\nstdout:\n%s\nstderr:\n%s", code, err, stdout.String(), logs.String())
		}
		if dataState(t, db) != before {
			t.Fatal("an interrupted migrate changed the data")
		}
		tables, err := db.Dialect.Tables(t.Context(), db)
		if err != nil || strings.Join(tables, ",") != "legacy_users" {
			t.Fatalf("tables after the interrupted migrate: %v (%v)", tables, err)
		}
	})
}

func TestMigrateUsersProductionNeedsYes(t *testing.T) {
	tg := dbtest.SQLite(t)
	generateLegacy(t, tg, "--rows", "10")
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + dbtest.URL(tg), "MIGRATION_ENV=production"}
	mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
	db := dbtest.Open(t, tg)
	before := dataState(t, db)
	r := runDhmig(t, dir, env, "migrate-users", "--execute")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "production") || dataState(t, db) != before {
		t.Fatalf("production migrate-users --execute without --yes:\n%s", r)
	}
	mustCode(t, runDhmig(t, dir, env, "migrate-users"), 0) // a dry run needs no confirmation
}
