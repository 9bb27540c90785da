package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestRollbackLatestNewestUnusableE2E: when the newest backup of the
// database cannot be read or fails verification, `rollback --backup
// latest` stops with exit 5 naming it and changes nothing, instead of
// restoring an older backup and losing the newer state; the older backup
// can still be chosen by id.
func TestRollbackLatestNewestUnusableE2E(t *testing.T) {
	damage := map[string]func(t *testing.T, dir string){
		"manifest unreadable": func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "manifest.json"), "{not json")
		},
		"manifest missing": func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "manifest.json")); err != nil {
				t.Fatal(err)
			}
		},
		"manifest names another backup": func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			id := filepath.Base(dir)
			writeFile(t, filepath.Join(dir, "manifest.json"), strings.ReplaceAll(string(b), `"id": "`+id+`"`, `"id": "20200101T000000Z"`))
		},
		"database copy corrupt": func(t *testing.T, dir string) {
			dbs, _ := filepath.Glob(filepath.Join(dir, "*.db"))
			if len(dbs) != 1 {
				t.Fatalf("database copy in %s: %v", dir, dbs)
			}
			b, err := os.ReadFile(dbs[0])
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0xff
			writeFile(t, dbs[0], string(b))
		},
	}
	for name, spoil := range damage {
		t.Run(name, func(t *testing.T) {
			tg := dbtest.SQLite(t)
			db := dbtest.Open(t, tg)
			bkSeedLegacy(t, db, 5)
			older := dbtest.Snapshot(t, db)
			db.Close()
			dir := t.TempDir()
			env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
			r := runDhmig(t, dir, env, "backup")
			mustCode(t, r, 0)
			olderID := strings.TrimSpace(r.Stdout)
			db = dbtest.Open(t, tg)
			bkExec(t, db, `INSERT INTO legacy_users VALUES (100, 'newer@example.com', 'newer')`)
			db.Close()
			r = runDhmig(t, dir, env, "backup")
			mustCode(t, r, 0)
			newestID := strings.TrimSpace(r.Stdout)
			if newestID == olderID {
				t.Fatal("two backups with one id")
			}
			db = dbtest.Open(t, tg)
			bkExec(t, db, `INSERT INTO legacy_users VALUES (101, 'now@example.com', 'now')`)
			now := dbtest.Snapshot(t, db)
			db.Close()
			spoil(t, filepath.Join(dir, "backups", newestID))

			r = runDhmig(t, dir, env, "rollback", "--yes", "--no-safety-backup", "--backup", "latest")
			mustCode(t, r, 5)
			if !strings.Contains(r.Stderr, newestID) || strings.Contains(r.Stdout+r.Stderr, "rolled back") {
				t.Errorf("rollback latest should refuse naming the newest backup %s:\n%s", newestID, r)
			}
			db = dbtest.Open(t, tg)
			if got := dbtest.Snapshot(t, db); !reflect.DeepEqual(now, got) {
				t.Fatalf("a refused rollback changed the database:\nwant %v\ngot  %v", now, got)
			}
			db.Close()

			r = runDhmig(t, dir, env, "rollback", "--yes", "--no-safety-backup", "--backup", olderID)
			mustCode(t, r, 0)
			db = dbtest.Open(t, tg)
			if got := dbtest.Snapshot(t, db); !reflect.DeepEqual(older, got) {
				t.Fatalf("rollback to the older backup by id:\nwant %v\ngot  %v", older, got)
			}
		})
	}
}
