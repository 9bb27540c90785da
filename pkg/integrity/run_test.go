package integrity_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
)

// byStatus lists the ids of the results with a status.
func byStatus(rep integrity.Report, st integrity.Status) []string {
	var ids []string
	for _, c := range rep.Checks {
		if c.Status == st {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// noHashes fails when a report's examples hold any password or token hash
// stored in the database.
func noHashes(t *testing.T, db *database.DB, rep integrity.Report) {
	t.Helper()
	var secrets []string
	for _, q := range []string{`SELECT password_hash FROM auth_users WHERE password_hash IS NOT NULL`,
		`SELECT password_hash FROM legacy_users WHERE password_hash IS NOT NULL`,
		`SELECT token_hash FROM auth_refresh_tokens`} {
		var vals []string
		if err := db.SelectContext(context.Background(), &vals, q); err == nil {
			secrets = append(secrets, vals...)
		}
	}
	if len(secrets) < 5 {
		t.Fatalf("only %d hashes found to look for", len(secrets))
	}
	var examples []integrity.Example
	for _, c := range rep.Checks {
		examples = append(examples, c.Examples...)
	}
	b, _ := json.Marshal(examples)
	for _, s := range secrets {
		if strings.Contains(string(b), s) || strings.Contains(string(b), s[:min(20, len(s))]) {
			t.Errorf("report examples leak a hash: %s", b)
		}
	}
}

func TestCleanMigrationPassesEveryCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		rep, err := integrity.Run(context.Background(), db, db.Dialect, integrity.Options{})
		if err != nil {
			t.Fatalf("clean fixture: %v\n%+v", err, rep)
		}
		if !rep.OK || rep.Failed() {
			t.Fatalf("clean fixture not OK: %+v", rep)
		}
		want := integrity.Summary{Checks: len(integrity.Checks()), Passed: len(integrity.Checks())}
		if rep.Summary != want {
			t.Fatalf("summary = %+v, want %+v; checks %+v", rep.Summary, want, rep.Checks)
		}
	})
}

// eachPlantedDefect runs f on both engines for every defect, each planted
// in a fresh migrated database of its own.
func eachPlantedDefect(t *testing.T, f func(t *testing.T, db *database.DB, d integritytest.Defect)) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		for _, d := range integritytest.Defects() {
			t.Run(strings.ReplaceAll(d.Name, " ", "_"), func(t *testing.T) {
				db := dbtest.Open(t, dbtest.Fresh(t, tg))
				integritytest.Migrated(t, db)
				d.Plant(t, db)
				f(t, db, d)
			})
		}
	})
}

func TestEachDefectFailsExactlyItsCheck(t *testing.T) {
	eachPlantedDefect(t, func(t *testing.T, db *database.DB, d integritytest.Defect) {
		rep, err := integrity.Run(context.Background(), db, db.Dialect, integrity.Options{})
		failing := append(byStatus(rep, integrity.StatusFail), byStatus(rep, integrity.StatusWarn)...)
		if !slices.Equal(failing, []string{d.Check}) {
			t.Fatalf("failing checks = %v, want exactly [%s] (err %v)", failing, d.Check, err)
		}
		if d.Warning {
			if err != nil || !rep.OK {
				t.Fatalf("a warning must not fail verification: err %v, ok %v", err, rep.OK)
			}
		} else if !errors.Is(err, integrity.ErrVerifyFailed) || rep.OK {
			t.Fatalf("err = %v (ok %v), want ErrVerifyFailed", err, rep.OK)
		}
		for _, c := range rep.Checks {
			if c.ID == d.Check && (c.Count < 1 || len(c.Examples) < 1 || c.Examples[0].Detail == "") {
				t.Errorf("%s: count %d, examples %+v", c.ID, c.Count, c.Examples)
			}
		}
		noHashes(t, db, rep)
	})
}

func TestParitySkipsWithoutLegacyTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		integritytest.Exec(t, db, `DROP TABLE legacy_users`)
		rep, err := integrity.Run(context.Background(), db, db.Dialect, integrity.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := byStatus(rep, integrity.StatusSkip); !slices.Equal(got, []string{"parity.legacy_rows", "parity.mapped_values"}) {
			t.Fatalf("skipped = %v", got)
		}
		if r := rep.Checks[len(rep.Checks)-1]; !strings.Contains(r.Reason, "no legacy table legacy_users") {
			t.Errorf("reason = %q", r.Reason)
		}
		// Naming the table makes its absence an error, not a skip.
		_, err = integrity.Run(context.Background(), db, db.Dialect, integrity.Options{
			Source: integrity.Source{Table: "legacy_users", Required: true}})
		if err == nil || errors.Is(err, integrity.ErrVerifyFailed) || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("required missing source: err = %v", err)
		}
	})
}

func TestParityFollowsRenamedSource(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		integritytest.Exec(t, db, `ALTER TABLE legacy_users RENAME TO old_users`)
		integritytest.Exec(t, db, `ALTER TABLE old_users RENAME COLUMN email TO mail`)
		opts := integrity.Options{Only: []string{"parity.legacy_rows", "parity.mapped_values"},
			Source: integrity.Source{Table: "old_users", Email: "mail"}}
		rep, err := integrity.Run(context.Background(), db, db.Dialect, opts)
		if err != nil || len(byStatus(rep, integrity.StatusPass)) != 2 {
			t.Fatalf("renamed source: err %v, %+v", err, rep.Checks)
		}
		opts.Source.Email = "email"
		_, err = integrity.Run(context.Background(), db, db.Dialect, opts)
		if err == nil || !strings.Contains(err.Error(), "has no column email") {
			t.Fatalf("missing column: err = %v", err)
		}
		opts.Source.Table = "old_users; DROP TABLE auth_users"
		if _, err = integrity.Run(context.Background(), db, db.Dialect, opts); !errors.Is(err, integrity.ErrBadOptions) {
			t.Fatalf("hostile identifier: err = %v", err)
		}
	})
}

func TestSelectionAndExampleCap(t *testing.T) {
	db := dbtest.Open(t, dbtest.SQLite(t))
	integritytest.Migrated(t, db)
	// Three variants of existing emails, and a pair where neither is stored
	// in canonical form.
	for i, email := range []string{"ALICE@example.com", "BOB@example.com", "Carol@EXAMPLE.com", "Zed@example.com", "ZED@example.com"} {
		integritytest.InsertUser(t, db, integritytest.User{ID: "d000000" + string(rune('0'+i)), Email: email,
			Username: "dup" + string(rune('0'+i)), PasswordHash: integritytest.Hash(t, "x"), Status: "active", Verified: true})
	}
	ctx := context.Background()
	rep, err := integrity.Run(ctx, db, db.Dialect, integrity.Options{Only: []string{"data.duplicate_emails"}, ExampleLimit: 2})
	if !errors.Is(err, integrity.ErrVerifyFailed) || len(rep.Checks) != 1 {
		t.Fatalf("err %v, checks %+v", err, rep.Checks)
	}
	if c := rep.Checks[0]; c.Count != 8 || len(c.Examples) != 2 {
		t.Fatalf("count %d (want 8 rows in 4 groups), examples %d (cap 2)", c.Count, len(c.Examples))
	}
	rep, err = integrity.Run(ctx, db, db.Dialect, integrity.Options{Skip: []string{"data.duplicate_emails"}})
	if err != nil || len(rep.Checks) != len(integrity.Checks())-1 {
		t.Fatalf("skip: err %v, %d checks", err, len(rep.Checks))
	}
	_, err = integrity.Run(ctx, db, db.Dialect, integrity.Options{WarnOnly: []string{"data.duplicate_emails"}})
	if err != nil {
		t.Fatalf("warn-only must not fail: %v", err)
	}
	_, err = integrity.Run(ctx, db, db.Dialect, integrity.Options{Only: []string{"data.nope"}})
	if !errors.Is(err, integrity.ErrUnknownCheck) {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestCheckFindRunsOneCheck(t *testing.T) {
	db := dbtest.Open(t, dbtest.SQLite(t))
	integritytest.Migrated(t, db)
	c, ok := integrity.Lookup("data.unknown_status")
	if !ok {
		t.Fatal("data.unknown_status not registered")
	}
	f, err := c.Find(context.Background(), db, db.Dialect, integrity.Options{KnownStatuses: []string{"active"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Count != 1 || f.Examples[0].ID != integritytest.Carol || f.Examples[0].Detail != "status 'pending_verification'" {
		t.Fatalf("finding = %+v", f)
	}
}

func TestRegistryIDsAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range integrity.Checks() {
		if seen[c.ID] || c.Description == "" || (c.Severity != integrity.SeverityError && c.Severity != integrity.SeverityWarning) {
			t.Errorf("bad registry entry %+v", c)
		}
		seen[c.ID] = true
	}
	if len(seen) != 16 {
		t.Errorf("%d checks, want 16", len(seen))
	}
}

// TestExactDuplicatesWithoutUniqueIndex covers the slow path: without the
// UNIQUE constraint, exact duplicates are possible and must be found.
func TestExactDuplicatesWithoutUniqueIndex(t *testing.T) {
	db := dbtest.Open(t, dbtest.Postgres(t))
	integritytest.Migrated(t, db)
	integritytest.Exec(t, db, `ALTER TABLE auth_users DROP CONSTRAINT auth_users_email_key`)
	integritytest.InsertUser(t, db, integritytest.User{ID: "88888888-8888-4888-8888-888888888888", Email: "alice@example.com",
		Username: "henry", PasswordHash: integritytest.Hash(t, "x"), Status: "active", Verified: true})
	rep, err := integrity.Run(context.Background(), db, db.Dialect, integrity.Options{})
	if !errors.Is(err, integrity.ErrVerifyFailed) {
		t.Fatal(err)
	}
	if got := byStatus(rep, integrity.StatusFail); !slices.Equal(got, []string{"schema.indexes", "data.duplicate_emails"}) {
		t.Fatalf("failing = %v", got)
	}
	if c := rep.Checks[3]; c.Count != 2 || len(c.Examples) != 2 {
		t.Fatalf("duplicate_emails = %+v", c)
	}
}
