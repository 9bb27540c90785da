package backup

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// rewriteManifest makes the manifest agree with a tampered database file,
// as if pg_dump had written a broken archive, so the restore itself fails.
func rewriteManifest(t *testing.T, dir string, m Manifest) {
	t.Helper()
	path := dbFilePath(t, dir, m)
	size, sum, err := hashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Files {
		if m.Files[i].Role == RoleDatabase {
			m.Files[i].Size, m.Files[i].SHA256 = size, sum
		}
	}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, m.ID, ManifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPostgresRestoreAllOrNothing breaks a restore late (a failing
// statement after the whole archive) and early (an archive pg_restore
// cannot finish): the database must keep everything it held, including
// the tables created after the backup.
func TestPostgresRestoreAllOrNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		format string
		tamper func(t *testing.T, path string)
	}{
		{"error after the last statement", FormatPlain, func(t *testing.T, path string) {
			fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			if _, err := fh.WriteString("\nSELECT 1/0;\n"); err != nil {
				t.Fatal(err)
			}
		}},
		{"custom archive cut short in its data", FormatCustom, func(t *testing.T, path string) {
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, st.Size()-16); err != nil { // in the data, after the table of contents
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := dbtest.Postgres(t)
			ctx := context.Background()
			db := openDB(t, tg)
			seed(t, db, 50)
			dir := t.TempDir()
			m := create(t, db, Options{Dir: dir, Format: tc.format})
			mustExec(t, db, `CREATE TABLE created_after (id INTEGER PRIMARY KEY)`)
			mustExec(t, db, `DELETE FROM legacy_users WHERE id > 10`)
			live := dbtest.Snapshot(t, db)

			tc.tamper(t, dbFilePath(t, dir, m))
			rewriteManifest(t, dir, m)
			_, err := planAndRestore(ctx, db, RestoreOptions{Dir: dir, Ref: m.ID})
			if err == nil || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("restore of a broken archive: want a failure saying nothing was changed, got %v", err)
			}
			t.Log(err)
			assertSame(t, live, dbtest.Snapshot(t, db))
		})
	}
}
