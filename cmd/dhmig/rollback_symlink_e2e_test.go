package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestRollbackSQLiteSymlinkE2E reaches the SQLite database through a link
// to the file and through a linked directory. The rollback must restore
// the real file and leave the link a link; a backup taken through the link
// is the latest backup of the real path too; and a handle another process
// holds on the real file (its -wal beside the target, not the link)
// refuses the rollback.
func TestRollbackSQLiteSymlinkE2E(t *testing.T) {
	for _, via := range []string{"file link", "directory link"} {
		t.Run(via, func(t *testing.T) {
			root := t.TempDir()
			realDir := filepath.Join(root, "data")
			if err := os.Mkdir(realDir, 0o700); err != nil {
				t.Fatal(err)
			}
			real := filepath.Join(realDir, "dhafnck_mcp.db")
			link, linkPath := filepath.Join(root, "linked.db"), filepath.Join(root, "linked.db")
			target := real
			if via == "directory link" {
				link, linkPath, target = filepath.Join(root, "datalink"), filepath.Join(root, "datalink", "dhafnck_mcp.db"), realDir
			}
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			realTg := database.Target{Kind: database.SQLite, Path: real}
			db, err := database.Open(context.Background(), realTg, database.OpenOptions{Create: true})
			if err != nil {
				t.Fatal(err)
			}
			bkSeedLegacy(t, db, 10)
			want := dbtest.Snapshot(t, db)
			db.Close()

			dir := t.TempDir()
			viaLink := []string{"DATABASE_URL=sqlite:" + linkPath}
			viaReal := []string{"DATABASE_URL=sqlite:" + real}
			r := runDhmig(t, dir, viaLink, "backup")
			mustCode(t, r, 0)
			id := strings.TrimSpace(r.Stdout)
			mustCode(t, runDhmig(t, dir, viaLink, "schema", "up"), 0)

			// The backup taken through the link is the real file's latest.
			r = runDhmig(t, dir, viaReal, "rollback", "--dry-run")
			mustCode(t, r, 0)
			if !strings.Contains(r.Stdout, id) {
				t.Errorf("rollback of the real path should find backup %s taken through the link:\n%s", id, r)
			}

			// Another process holds the real file open in WAL mode.
			other, err := database.Open(context.Background(), realTg, database.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			bkExec(t, other, `PRAGMA journal_mode=WAL`, `INSERT INTO legacy_users VALUES (500, 'wal@example.com', 'wal')`)
			if _, err := os.Stat(real + "-wal"); err != nil {
				t.Fatalf("the other process's -wal beside the real file: %v", err)
			}
			held := dbtest.Snapshot(t, other)
			r = runDhmig(t, dir, viaLink, "rollback", "--yes", "--no-safety-backup")
			mustCode(t, r, 1)
			if !strings.Contains(r.Stderr, "another process has the database open") {
				t.Errorf("rollback while the real file is open elsewhere:\n%s", r)
			}
			if got := dbtest.Snapshot(t, other); !reflect.DeepEqual(held, got) {
				t.Fatal("a refused rollback changed the database")
			}
			bkExec(t, other, `PRAGMA journal_mode=DELETE`)
			other.Close()

			r = runDhmig(t, dir, viaLink, "rollback", "--yes")
			mustCode(t, r, 0)
			if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("rollback replaced the link %s (%v)", link, err)
			}
			db, err = database.Open(context.Background(), realTg, database.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if got := dbtest.Snapshot(t, db); !reflect.DeepEqual(want, got) {
				t.Fatalf("the real database is not the backup after rollback through the link:\nwant %v\ngot  %v", want, got)
			}
			if left, _ := filepath.Glob(filepath.Join(root, ".*.dhmig-tmp-*")); len(left) > 0 {
				t.Errorf("restore left temporary files: %v", left)
			}
		})
	}
}
