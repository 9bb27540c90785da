package database_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestSnapshotReadsOneStateAndNeverWrites: a source's snapshot refuses
// writes, and keeps seeing the rows it began with while another connection
// changes them — on both engines.
func TestSnapshotReadsOneStateAndNeverWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		rw := dbtest.Open(t, tg)
		if _, err := rw.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email TEXT)`); err != nil {
			t.Fatal(err)
		}
		if _, err := rw.Exec(`INSERT INTO legacy_users VALUES (1, 'a@example.com')`); err != nil {
			t.Fatal(err)
		}
		ro, err := database.Open(ctx, tg, database.OpenOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		snap, err := ro.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tg.Kind == database.Postgres {
			// SQLite in rollback-journal mode keeps writers out while the
			// snapshot reads (a reader's shared lock); PostgreSQL lets
			// them in, and the snapshot must not see them.
			if _, err := rw.Exec(`INSERT INTO legacy_users VALUES (3, 'c@example.com')`); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := snap.Tx.Get(&n, `SELECT COUNT(*) FROM legacy_users`); err != nil || n != 1 {
			t.Fatalf("snapshot sees %d rows (%v), want the 1 it began with", n, err)
		}
		if _, err := snap.Tx.Exec(`INSERT INTO legacy_users VALUES (2, 'b@example.com')`); err == nil {
			t.Fatal("a source's snapshot accepted a write")
		}
		if err := snap.Close(); err != nil {
			t.Fatal(err)
		}
		if err := rw.Get(&n, `SELECT COUNT(*) FROM legacy_users WHERE id = 2`); err != nil || n != 0 {
			t.Fatalf("the refused write left %d rows (%v)", n, err)
		}
	})
}

// TestSameDatabase: the same file named two ways is one database; two
// files, or two PostgreSQL databases, are not.
func TestSameDatabase(t *testing.T) {
	a := dbtest.SQLite(t)
	b := dbtest.SQLite(t)
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(a.Path, link); err != nil {
		t.Fatal(err)
	}
	viaLink := database.Target{Kind: database.SQLite, Path: link}
	pg := database.Target{Kind: database.Postgres, Host: "db", Port: 5432, Name: "x"}
	other := pg
	other.Name = "y"
	for _, c := range []struct {
		x, y database.Target
		same bool
	}{{a, viaLink, true}, {a, b, false}, {pg, pg, true}, {pg, other, false}, {a, pg, false}} {
		if got := c.x.SameDatabase(c.y); got != c.same {
			t.Errorf("%s same as %s = %v, want %v", c.x, c.y, got, c.same)
		}
	}
}
