package migration_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
)

func count(t *testing.T, db *database.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWritingFlows runs schema up, migrate-users (dry and executed), a
// schema-only rollback with its safety backup, and each of them against a
// held lock, as the commands call them.
func TestWritingFlows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		seed(t, db, 4)
		write := database.WriteOptions{LockTimeout: 300 * time.Millisecond}

		up, err := migration.ChangeSchema(ctx, db, migration.SchemaOptions{Write: write})
		if err != nil || len(up.Steps) == 0 || up.Current != up.Steps[len(up.Steps)-1].Version {
			t.Fatalf("schema up: %+v, %v", up, err)
		}
		if again, err := migration.ChangeSchema(ctx, db, migration.SchemaOptions{Write: write}); err != nil ||
			len(again.Steps) != 0 || again.Current != up.Current {
			t.Fatalf("second schema up: %+v, %v", again, err)
		}

		uo := options(false, t.TempDir(), tg).Users
		uo.DryRun = true
		dry, err := migration.MigrateUsers(ctx, db, migration.UsersOptions{Users: uo, Write: write})
		if err != nil || dry.Written || dry.Migrated != 4 || count(t, db, "auth_users") != 0 {
			t.Fatalf("dry run: %+v, %v (auth_users %d)", dry, err, count(t, db, "auth_users"))
		}

		// Another writer holds the lock: every flow gives up with
		// ErrLockHeld and writes nothing.
		holder := dbtest.Open(t, tg)
		w, err := database.BeginWrite(ctx, holder, database.WriteOptions{LockTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		uo.DryRun = false
		if _, err := migration.MigrateUsers(ctx, db, migration.UsersOptions{Users: uo, Write: write}); !errors.Is(err, database.ErrLockHeld) {
			t.Errorf("migrate-users while locked: %v, want ErrLockHeld", err)
		}
		if _, err := migration.ChangeSchema(ctx, db, migration.SchemaOptions{Down: true, Write: write}); !errors.Is(err, database.ErrLockHeld) {
			t.Errorf("schema down while locked: %v, want ErrLockHeld", err)
		}
		if _, err := migration.RollbackSchema(ctx, db, migration.RollbackOptions{Write: write}); !errors.Is(err, database.ErrLockHeld) {
			t.Errorf("schema-only rollback while locked: %v, want ErrLockHeld", err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}

		res, err := migration.MigrateUsers(ctx, db, migration.UsersOptions{Users: uo, Write: write})
		if err != nil || !res.Written || res.Migrated != 4 || count(t, db, "auth_users") != 4 {
			t.Fatalf("execute: %+v, %v", res, err)
		}

		dropped, _, err := migration.PreviewSchemaRollback(ctx, db, nil)
		if err != nil || len(dropped) == 0 || count(t, db, "auth_users") != 4 {
			t.Fatalf("preview: dropped %v, %v; it must change nothing", dropped, err)
		}
		dir := t.TempDir()
		rb, err := migration.RollbackSchema(ctx, db, migration.RollbackOptions{Write: write,
			Safety: &backup.Options{Dir: dir, Version: "test"}})
		if err != nil || rb.SafetyBackup == "" || len(rb.Steps) != len(up.Steps) {
			t.Fatalf("schema-only rollback: %+v, %v", rb, err)
		}
		if got := tables(t, db); len(got) != 1 || got[0] != "legacy_users" {
			t.Errorf("after the rollback: tables %v, want legacy_users only", got)
		}
		m, err := backup.Find(dir, rb.SafetyBackup, "")
		if err != nil || m.Reason != backup.ReasonSafety || m.RowCounts["auth_users"] != 4 {
			t.Errorf("safety backup: %+v, %v", m, err)
		}
	})
}
