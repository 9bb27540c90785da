package backup

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// TestRestoreRoundTrip backs up, changes data and tables (including the
// auth schema a migration adds), restores, and compares every table's
// contents with the backed-up state.
func TestRestoreRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := openDB(t, tg)
		seed(t, db, 20)
		formats := []string{FormatCustom}
		if tg.Kind == database.Postgres {
			formats = append(formats, FormatPlain)
		}
		for _, format := range formats {
			dir := t.TempDir()
			want := dbtest.Snapshot(t, db)
			m := create(t, db, Options{Dir: dir, Format: format})
			if m.RowCounts["legacy_users"] != 20 {
				t.Fatalf("%s: manifest row counts = %v", format, m.RowCounts)
			}
			if !slices.Equal(m.Database.Tables, []string{"legacy_users", "notes"}) {
				t.Fatalf("%s: manifest tables = %v", format, m.Database.Tables)
			}

			mig, err := schema.New(db.Dialect)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := mig.UpEach(ctx, db.DB); err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, `INSERT INTO legacy_users (id, email, username) VALUES (1000, 'new@example.com', 'new')`)
			mustExec(t, db, `DELETE FROM legacy_users WHERE id IN (3, 4)`)
			mustExec(t, db, `UPDATE legacy_users SET email = 'changed@example.com' WHERE id = 5`)
			mustExec(t, db, `DROP TABLE notes`)
			mustExec(t, db, `CREATE TABLE extra (id INTEGER PRIMARY KEY)`)

			p, err := planAndRestore(ctx, db, RestoreOptions{Dir: dir, Ref: Latest})
			if err != nil {
				t.Fatalf("%s: restore: %v", format, err)
			}
			if !slices.Contains(p.TablesDropped, "auth_users") || !slices.Equal(p.TablesRecreated, []string{"notes"}) {
				t.Errorf("%s: plan dropped %v recreated %v", format, p.TablesDropped, p.TablesRecreated)
			}
			assertSame(t, want, dbtest.Snapshot(t, db))
			// The restored database is usable: the schema applies again.
			if _, err := mig.UpEach(ctx, db.DB); err != nil {
				t.Fatalf("%s: schema up after restore: %v", format, err)
			}
			if _, err := mig.DownEach(ctx, db.DB, 0); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestCorruptBackupRefused flips one byte of a backup file: verify and
// restore refuse with ErrCorrupt and the live database is unchanged.
func TestCorruptBackupRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := openDB(t, tg)
		seed(t, db, 5)
		dir := t.TempDir()
		m := create(t, db, Options{Dir: dir})
		if _, err := Verify(ctx, dir, m.ID, ""); err != nil {
			t.Fatalf("fresh backup must verify: %v", err)
		}
		mustExec(t, db, `DELETE FROM legacy_users WHERE id = 1`)
		live := dbtest.Snapshot(t, db)
		flipByte(t, dbFilePath(t, dir, m))

		res, err := Verify(ctx, dir, Latest, tg.Identity())
		if !errors.Is(err, ErrCorrupt) || res.OK {
			t.Fatalf("verify of a flipped byte: ok=%v err=%v", res.OK, err)
		}
		_, err = planAndRestore(ctx, db, RestoreOptions{Dir: dir, Ref: m.ID})
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("restore of a corrupt backup: want ErrCorrupt, got %v", err)
		}
		assertSame(t, live, dbtest.Snapshot(t, db))
	})
}

func TestFindAndRestoreRefuseOtherDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := openDB(t, dbtest.SQLite(t)), openDB(t, dbtest.SQLite(t))
	seed(t, a, 1)
	dir := t.TempDir()
	m := create(t, a, Options{Dir: dir})
	if _, err := Find(dir, Latest, b.Target.Identity()); !errors.Is(err, ErrMissing) {
		t.Fatalf("latest of another database: want ErrMissing, got %v", err)
	}
	if _, err := planAndRestore(ctx, b, RestoreOptions{Dir: dir, Ref: m.ID}); !errors.Is(err, ErrMissing) {
		t.Fatalf("restoring another database's backup: want ErrMissing, got %v", err)
	}
	if _, err := Find(dir, "20990101T000000Z", ""); !errors.Is(err, ErrMissing) {
		t.Fatalf("unknown id: want ErrMissing, got %v", err)
	}
	if _, err := Find(dir, "../etc", ""); !errors.Is(err, ErrMissing) {
		t.Fatalf("malformed id: want ErrMissing, got %v", err)
	}
}
