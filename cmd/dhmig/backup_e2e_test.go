package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestBackupVerifyCorruptE2E: a backup has 0700/0600 modes and verifies;
// one flipped byte makes verify and rollback exit 5 and the live database
// stays as it was.
func TestBackupVerifyCorruptE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		bkSeedLegacy(t, db, 10)
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("SMTP_HOST=mail.example.com\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}

		r := runDhmig(t, dir, env, "backup", "-o", "json")
		mustCode(t, r, 0)
		b := bkParse(t, r)
		err := filepath.WalkDir(filepath.Join(dir, "backups"), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			want := fs.FileMode(0o600)
			if d.IsDir() {
				want = 0o700
			}
			if st.Mode().Perm() != want {
				t.Errorf("%s: mode %04o, want %04o", p, st.Mode().Perm(), want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, b.Path, "env", ".env")); err != nil {
			t.Errorf("the .env file in use was not backed up: %v", err)
		}

		r = runDhmig(t, dir, env, "backup", "list", "-o", "json")
		mustCode(t, r, 0)
		var list struct {
			Backups []struct {
				ID     string `json:"id"`
				Kind   string `json:"kind"`
				Status string `json:"status"`
				Size   int64  `json:"size"`
			} `json:"backups"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Backups) != 1 || list.Backups[0].ID != b.ID || list.Backups[0].Status != "complete" ||
			list.Backups[0].Kind != string(tg.Kind) || list.Backups[0].Size <= 0 {
			t.Fatalf("list = %+v", list)
		}
		mustCode(t, runDhmig(t, dir, env, "backup", "verify", "latest"), 0)

		bkExec(t, db, `DELETE FROM legacy_users WHERE id > 5`)
		live := dbtest.Snapshot(t, db)
		path := bkDBFile(t, dir, b)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		raw[len(raw)/2] ^= 0x01
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}

		r = runDhmig(t, dir, env, "backup", "verify", b.ID)
		mustCode(t, r, 5)
		if !strings.Contains(r.Stdout, "FAILED") || !strings.Contains(r.Stdout, "sha256") {
			t.Errorf("verify of a corrupt backup should name the mismatch:\n%s", r)
		}
		r = runDhmig(t, dir, env, "rollback", "--yes", "--backup", b.ID)
		mustCode(t, r, 5)
		r = runDhmig(t, dir, env, "rollback", "--yes")
		mustCode(t, r, 5)
		if got := dbtest.Snapshot(t, db); !reflect.DeepEqual(live, got) {
			t.Fatalf("a refused rollback changed the database:\nwant %v\ngot  %v", live, got)
		}
		if ids := bkIDs(t, filepath.Join(dir, "backups")); len(ids) != 1 {
			t.Fatalf("a refused rollback must not even take a safety backup: %v", ids)
		}
	})
}

func TestBackupKeepE2E(t *testing.T) {
	tg := dbtest.SQLite(t)
	bkSeedLegacy(t, dbtest.Open(t, tg), 1)
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
	var made []string
	for i := 0; i < 4; i++ {
		r := runDhmig(t, dir, env, "backup", "--keep", "2")
		mustCode(t, r, 0)
		made = append(made, strings.TrimSpace(r.Stdout))
	}
	ids := bkIDs(t, filepath.Join(dir, "backups"))
	if len(ids) != 2 || !slices.Contains(ids, made[3]) || !slices.Contains(ids, made[2]) {
		t.Fatalf("--keep 2 left %v of %v", ids, made)
	}
	mustCode(t, runDhmig(t, dir, env, "backup", "--format", "tar"), 2)
	mustCode(t, runDhmig(t, dir, env, "backup", "verify", "20000101T000000Z"), 5)
}

// TestBackupNoPasswordE2E runs the backup commands with a URL that holds a
// password: no stdout, stderr, log line or backup file may contain it.
func TestBackupNoPasswordE2E(t *testing.T) {
	tg, secret := bkPasswordTarget(t)
	db := dbtest.Open(t, tg)
	bkSeedLegacy(t, db, 3)
	dir := t.TempDir()
	logFile := filepath.Join(dir, "migration.log")
	env := []string{"DATABASE_URL=" + dbtest.URL(tg), "MIGRATION_LOG=" + logFile}
	runs := []result{
		runDhmig(t, dir, env, "backup", "--verbose"),
		runDhmig(t, dir, env, "backup", "-o", "json", "--format", "plain", "--verbose"),
		runDhmig(t, dir, env, "backup", "list", "-o", "json"),
		runDhmig(t, dir, env, "backup", "verify", "latest", "--verbose"),
		runDhmig(t, dir, env, "rollback", "--dry-run", "--verbose"),
		runDhmig(t, dir, env, "rollback", "--yes", "--verbose"),
	}
	for _, r := range runs {
		mustCode(t, r, 0)
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("output shows the database password:\n%s", r)
		}
	}
	if !strings.Contains(runs[0].Stderr, "***") {
		t.Errorf("the log should name the database with its password masked:\n%s", runs[0])
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("%s contains the database password", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(logFile); err != nil || st.Size() == 0 {
		t.Fatalf("migration log was not written: %v", err)
	}
}
