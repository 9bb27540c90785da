package migration_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// seed writes n clean legacy users.
func seed(t *testing.T, db *database.DB, n int) {
	t.Helper()
	if _, err := db.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email TEXT, username TEXT,
		password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`); err != nil {
		t.Fatal(err)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("pw"), 4)
	for i := 1; i <= n; i++ {
		if _, err := db.Exec(db.Rebind(`INSERT INTO legacy_users VALUES (?, ?, ?, ?, ?, ?)`), i,
			fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("u%d", i), string(h),
			db.Dialect.Timestamp(time.Date(2024, 1, i, 0, 0, 0, 0, time.UTC)), db.Dialect.Bool(i%2 == 0)); err != nil {
			t.Fatal(err)
		}
	}
}

func options(execute bool, dir string, tg database.Target) migration.Options {
	return migration.Options{
		Execute: execute,
		Gate:    migration.GateOptions{Dir: dir, Identity: tg.Identity(), MaxAge: time.Hour, Now: time.Now()},
		Users: usermigrate.Options{SourceTable: "legacy_users", OnConflict: usermigrate.ConflictFail,
			UnsupportedHash: usermigrate.HashFail, EmailCase: usermigrate.EmailLower,
			TempPasswords: password.TempBcrypt, BcryptCost: 4, Now: time.Now().UTC(), RunID: "test-run"},
		Verify: integrity.Options{Source: integrity.Source{Table: "legacy_users", Required: true}},
	}
}

func tables(t *testing.T, db *database.DB) []string {
	t.Helper()
	ts, err := db.Dialect.Tables(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		seed(t, db, 6)
		dir := t.TempDir()

		// No backup: --execute refuses before touching anything (exit 5);
		// a dry run reports the gate and goes on.
		res, err := migration.Run(ctx, db, options(true, dir, tg))
		if !errors.Is(err, backup.ErrMissing) || res.Outcome != audit.OutcomeGateFailed || res.Gate.Status != migration.GateMissing {
			t.Fatalf("execute without backup: %+v, %v", res, err)
		}
		res, err = migration.Run(ctx, db, options(false, dir, tg))
		if err != nil || res.Outcome != audit.OutcomeDryRun || res.Committed || res.Gate.Status != migration.GateMissing ||
			len(res.Schema) != 5 || res.Users.Migrated != 6 || !res.Verify.OK {
			t.Fatalf("dry run: %+v, %v", res, err)
		}
		if got := tables(t, db); len(got) != 1 {
			t.Fatalf("the dry run left tables: %v", got)
		}

		// A defect planted between the copy and verify: verify fails inside
		// the transaction and nothing is committed.
		opts := options(true, dir, tg)
		opts.Gate.Skip = true
		opts = migration.WithAfterCopy(opts, func(ctx context.Context, ex database.Executor) error {
			_, err := ex.ExecContext(ctx, `UPDATE auth_users SET status = 'banned' WHERE username = 'u3'`)
			return err
		})
		res, err = migration.Run(ctx, db, opts)
		if !errors.Is(err, integrity.ErrVerifyFailed) || res.Outcome != audit.OutcomeVerifyFail || res.Committed {
			t.Fatalf("planted defect: %+v, %v", res, err)
		}
		if ids := res.Verify.FailedIDs(); len(ids) != 1 || ids[0] != "data.unknown_status" {
			t.Errorf("failed checks = %v, want data.unknown_status only", ids)
		}
		if got := tables(t, db); len(got) != 1 {
			t.Fatalf("a failed verify committed tables: %v", got)
		}

		// A cancelled context rolls back too.
		cctx, cancel := context.WithCancel(ctx)
		opts = migration.WithAfterCopy(opts, func(context.Context, database.Executor) error { cancel(); return nil })
		if _, err = migration.Run(cctx, db, opts); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled run: %v", err)
		}
		if got := tables(t, db); len(got) != 1 {
			t.Fatalf("a cancelled run committed tables: %v", got)
		}

		// Skipped gate, clean data: committed, and a second run has nothing to do.
		opts = migration.WithAfterCopy(opts, nil)
		res, err = migration.Run(ctx, db, opts)
		if err != nil || !res.Committed || res.Gate.Status != migration.GateSkipped || res.Users.Migrated != 6 {
			t.Fatalf("execute: %+v, %v", res, err)
		}
		res, err = migration.Run(ctx, db, opts)
		if err != nil || !res.Committed || len(res.Schema) != 0 || res.Users.Migrated != 0 || !res.Verify.OK {
			t.Fatalf("second execute: %+v, %v", res, err)
		}
	})
}

func TestGate(t *testing.T) {
	tg := dbtest.SQLite(t)
	db := dbtest.Open(t, tg)
	seed(t, db, 2)
	dir := t.TempDir()
	m, err := backup.Create(context.Background(), db, backup.Options{Dir: dir, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := migration.CheckGate(context.Background(), migration.GateOptions{Dir: dir, Identity: tg.Identity(), MaxAge: time.Hour, Now: time.Now()})
	if err != nil || !g.Passed() || g.BackupID != m.ID {
		t.Fatalf("fresh backup: %+v, %v", g, err)
	}
	g, err = migration.CheckGate(context.Background(), migration.GateOptions{Dir: dir, Identity: tg.Identity(), MaxAge: time.Hour, Now: time.Now().Add(2 * time.Hour)})
	if !errors.Is(err, backup.ErrStale) || g.Status != migration.GateStale || g.Passed() {
		t.Fatalf("stale backup: %+v, %v", g, err)
	}
	g, err = migration.CheckGate(context.Background(), migration.GateOptions{Skip: true})
	if err != nil || g.Status != migration.GateSkipped || !g.Passed() {
		t.Fatalf("skipped gate: %+v, %v", g, err)
	}
}
