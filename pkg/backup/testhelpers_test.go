package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// seed creates legacy_users with n rows and a notes table.
func seed(t *testing.T, db *database.DB, n int) {
	t.Helper()
	mustExec(t, db, `CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, username TEXT NOT NULL)`)
	mustExec(t, db, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`)
	for i := 1; i <= n; i++ {
		mustExec(t, db, db.Rebind(`INSERT INTO legacy_users (id, email, username) VALUES (?, ?, ?)`),
			i, fmt.Sprintf("user%d@example.com", i), fmt.Sprintf("user%d", i))
	}
	mustExec(t, db, `INSERT INTO notes (id, body) VALUES (1, 'kept by the backup')`)
}

func mustExec(t *testing.T, db *database.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// assertSame fails when two snapshots differ, naming the first difference.
func assertSame(t *testing.T, want, got map[string][]string) {
	t.Helper()
	if reflect.DeepEqual(want, got) {
		return
	}
	for table, rows := range want {
		if g, ok := got[table]; !ok {
			t.Errorf("table %s missing after restore", table)
		} else if !reflect.DeepEqual(rows, g) {
			t.Errorf("table %s differs:\nwant %v\ngot  %v", table, rows, g)
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			t.Errorf("table %s exists but the backup had no such table", table)
		}
	}
}

func create(t *testing.T, db *database.DB, o Options) Manifest {
	t.Helper()
	if o.Version == "" {
		o.Version = "test"
	}
	m, err := Create(context.Background(), db, o)
	if err != nil {
		t.Fatalf("create backup: %v", err)
	}
	return m
}

// flipByte inverts one byte in the middle of a file.
func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func dbFilePath(t *testing.T, dir string, m Manifest) string {
	t.Helper()
	f, ok := m.DatabaseFile()
	if !ok {
		t.Fatalf("manifest %s lists no database file", m.ID)
	}
	return filepath.Join(dir, m.ID, filepath.FromSlash(f.Path))
}

func openDB(t *testing.T, tg database.Target) *database.DB { return dbtest.Open(t, tg) }

// planAndRestore restores as rollback does: the plan verifies the backup,
// the restore takes the plan.
func planAndRestore(ctx context.Context, db *database.DB, o RestoreOptions) (Plan, error) {
	p, err := PlanRestore(ctx, db, o)
	if err != nil {
		return p, err
	}
	return p, Restore(ctx, db, p, o)
}
