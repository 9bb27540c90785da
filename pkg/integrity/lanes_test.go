package integrity_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
)

// readers returns options that record how many readers the pass had.
func readers(opts integrity.Options, n *int) integrity.Options {
	return integrity.WithPassBegun(opts, func(r int) { *n = r })
}

// TestConcurrentChecksReadOneSnapshot: on PostgreSQL the lanes run on
// readers of their own, and every check reads the snapshot the pass began
// with: defects committed by another connection once the pass has begun
// (one for each lane) are seen by none of them, and by the next run.
func TestConcurrentChecksReadOneSnapshot(t *testing.T) {
	db := dbtest.Open(t, dbtest.Postgres(t))
	integritytest.Migrated(t, db)
	ctx := context.Background()
	var n int
	opts := integrity.WithPassBegun(integrity.Options{}, func(r int) {
		n = r
		u := integritytest.User{ID: "88888888-8888-4888-8888-888888888888", Email: "henry@example.com", Username: "henry",
			PasswordHash: integritytest.Hash(t, "henry-pw"), Status: "banned", Verified: true}
		integritytest.InsertUser(t, db, u)
		integritytest.Exec(t, db, `INSERT INTO legacy_users (id, email, username) VALUES (7, 'ivan@example.com', 'ivan')`)
	})
	rep, err := integrity.Run(ctx, db, db.Dialect, opts)
	if n != 2 {
		t.Fatalf("%d readers, want one per lane (2)", n)
	}
	if err != nil || rep.Summary.Passed != len(integrity.Checks()) {
		t.Fatalf("the pass saw rows committed after it began: err %v, %+v", err, rep.Checks)
	}
	rep, _ = integrity.Run(ctx, db, db.Dialect, integrity.Options{})
	if got := byStatus(rep, integrity.StatusFail); !slices.Equal(got, []string{"data.unknown_status", "parity.legacy_rows"}) {
		t.Fatalf("next run fails %v, want the two planted defects", got)
	}
}

// TestConcurrentReportEqualsSequential: the report of the concurrent pass
// (a connection pool of two, as dhmig verify opens) is the one the
// sequential pass (the caller's own transaction, as in migrate) gives, with
// every defect, on both engines.
func TestConcurrentReportEqualsSequential(t *testing.T) {
	eachPlantedDefect(t, func(t *testing.T, db *database.DB, _ integritytest.Defect) {
		db.SetMaxOpenConns(integrity.MaxReaders) // as dhmig verify does
		ctx := context.Background()
		var pooled, inTx int
		got, gerr := integrity.Run(ctx, db, db.Dialect, readers(integrity.Options{ExampleLimit: 2}, &pooled))
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		want, werr := integrity.Run(ctx, tx, db.Dialect, readers(integrity.Options{ExampleLimit: 2}, &inTx))
		if inTx != 1 || pooled != 2 {
			t.Fatalf("readers: pool %d, transaction %d", pooled, inTx)
		}
		got.DurationMS, want.DurationMS = 0, 0
		if !reflect.DeepEqual(got, want) || (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
			t.Fatalf("concurrent report differs from sequential:\n got %+v (err %v)\nwant %+v (err %v)", got, gerr, want, werr)
		}
	})
}

// TestConcurrentCheckErrorEndsEveryReader: when a check of one lane fails,
// Run returns that check's error, not the cancellation of the other lane,
// and leaves no reader in a transaction.
func TestConcurrentCheckErrorEndsEveryReader(t *testing.T) {
	db := dbtest.Open(t, dbtest.Postgres(t))
	integritytest.Migrated(t, db)
	integritytest.Exec(t, db, `ALTER TABLE legacy_users RENAME COLUMN email TO mail`)
	var n int
	rep, err := integrity.Run(context.Background(), db, db.Dialect, readers(integrity.Options{}, &n))
	if n != 2 || err == nil || !strings.HasPrefix(err.Error(), "check parity.legacy_rows: legacy table legacy_users has no column email") {
		t.Fatalf("readers %d, err = %v", n, err)
	}
	for _, c := range rep.Checks {
		if strings.HasPrefix(c.ID, "parity.") {
			t.Errorf("a failed check is in the report: %+v", c)
		}
	}
	if s := db.Stats(); s.InUse != 0 {
		t.Errorf("%d connections still in use", s.InUse)
	}
	// A reader whose query was cancelled is closed, not rolled back (lib/pq
	// drops a connection once a query on it was cancelled); its server
	// session ends as soon as the server reads the close.
	busy := dbtest.BusySessions(t, db)
	if len(busy) != 0 {
		t.Errorf("sessions still busy or in a transaction: %q", busy)
	}
}
