package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

func TestRecordAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		run := audit.Run{ID: audit.NewRunID(), Command: "migrate", StartedAt: start, Outcome: audit.OutcomeOK,
			RowsRead: 10, RowsMigrated: 8, RowsRejected: 2, Version: "1.0.0", OSUser: "ops",
			Details: map[string]string{"backup_gate": "skipped"}}

		ok, err := audit.Record(ctx, db, db.Dialect, run)
		if err != nil || ok {
			t.Fatalf("Record without dhmig_runs = %v, %v; want false, nil", ok, err)
		}
		runs, err := audit.List(ctx, db, db.Dialect, 0)
		if err != nil || len(runs) != 0 {
			t.Fatalf("List without dhmig_runs = %v, %v", runs, err)
		}

		m, err := schema.New(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.UpEach(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		backupID := "20260102T030000Z"
		finished := start.Add(90 * time.Second)
		run.FinishedAt, run.BackupID = &finished, &backupID
		later := run
		later.ID, later.StartedAt, later.Outcome, later.DryRun = audit.NewRunID(), start.Add(time.Hour), audit.OutcomeVerifyFail, false
		for _, r := range []audit.Run{run, later} {
			if ok, err := audit.Record(ctx, db, db.Dialect, r); err != nil || !ok {
				t.Fatalf("Record = %v, %v", ok, err)
			}
		}
		runs, err = audit.List(ctx, db, db.Dialect, 0)
		if err != nil || len(runs) != 2 {
			t.Fatalf("List = %+v, %v", runs, err)
		}
		if runs[0].ID != later.ID || runs[1].ID != run.ID {
			t.Errorf("List is not newest first: %s, %s", runs[0].ID, runs[1].ID)
		}
		got := runs[1]
		if !got.StartedAt.Equal(start) || got.FinishedAt == nil || !got.FinishedAt.Equal(finished) ||
			got.BackupID == nil || *got.BackupID != backupID || got.RowsMigrated != 8 || got.OSUser != "ops" ||
			got.Details["backup_gate"] != "skipped" || got.Outcome != audit.OutcomeOK {
			t.Errorf("round trip = %+v", got)
		}
		if one, err := audit.List(ctx, db, db.Dialect, 1); err != nil || len(one) != 1 || one[0].ID != later.ID {
			t.Errorf("List(limit 1) = %+v, %v", one, err)
		}
	})
}

func TestRunIDsSortByTime(t *testing.T) {
	a := audit.NewRunID()
	time.Sleep(2 * time.Millisecond)
	b := audit.NewRunID()
	if len(a) != 36 || a >= b {
		t.Errorf("run ids %s then %s are not time-ordered UUIDs", a, b)
	}
}
