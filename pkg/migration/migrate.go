package migration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/target"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// Options of one migrate run.
type Options struct {
	// Execute commits when verify passes; without it the run is a dry run
	// that performs every step and rolls back.
	Execute bool
	// Target is the auth tables migrated into (nil: the guide's); it is
	// the schema's, the copy's and verify's target alike.
	Target *target.Profile
	Gate   GateOptions
	Users  usermigrate.Options
	Verify integrity.Options
	Logger *slog.Logger
	// Write says how long to wait for another writer.
	Write database.WriteOptions
	// Source, when set, is the read-only database the legacy table is
	// read from (--source-url); copy and verify read one snapshot of it.
	Source *database.DB
	// GC is the garbage collector tuning for the copy.
	GC GCTuning

	// afterCopy, when set, runs inside the transaction between the copy
	// and verify: tests plant a defect there (export_test.go).
	afterCopy func(ctx context.Context, ex database.Executor) error
}

// Result is what a migrate run did, in the order it did it.
type Result struct {
	DryRun    bool                `json:"dry_run"`
	Committed bool                `json:"committed"`
	Outcome   audit.Outcome       `json:"outcome"`
	Gate      Gate                `json:"backup_gate"`
	Schema    []schema.Step       `json:"schema_applied"`
	Users     *usermigrate.Result `json:"users,omitempty"`
	Verify    *integrity.Report   `json:"verify,omitempty"`
	// Source identifies the database the legacy table was read from, and
	// SourceRows what was read there, when it is not the target.
	Source SourceRead `json:"-"`
}

// Run is the guide in one transaction: backup gate, schema up, the user
// copy and every verify check; it commits only with Execute and when
// verify passes. Any error, a rejection, a failed check or a cancelled
// context rolls everything back: the database is left as it was.
func Run(ctx context.Context, db *database.DB, o Options) (res Result, err error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res = Result{DryRun: !o.Execute, Schema: []schema.Step{}}
	o.Users.DryRun = !o.Execute

	// The gate first: a refused --execute neither waits for the lock nor
	// reads the source.
	gate, gerr := CheckGate(ctx, o.Gate)
	res.Gate = gate
	switch {
	case gerr != nil && o.Execute:
		res.Outcome = audit.OutcomeGateFailed
		return res, fmt.Errorf("backup gate: %w", gerr)
	case gerr != nil && gate.Status == "":
		return res, fmt.Errorf("backup gate: %w", gerr)
	case gerr != nil:
		log.Warn("backup gate would refuse --execute", "status", gate.Status, "reason", gate.Message)
	default:
		log.Info("backup gate", "status", gate.Status, "backup_id", gate.BackupID)
	}

	defer o.GC.apply()()
	w, err := database.BeginWrite(ctx, db, o.Write)
	if err != nil {
		return res, err
	}
	defer w.Close()
	tx := w.Tx()
	// begun: the steps inside the transaction started (before it, a
	// failure leaves Outcome empty: nothing ran).
	committed, begun := false, false
	defer func() {
		if committed {
			return
		}
		if rerr := w.Rollback(); rerr != nil && !errors.Is(rerr, context.Canceled) && err == nil {
			err = fmt.Errorf("roll back: %w", rerr)
		}
		if begun && (res.Outcome == "" || res.Outcome == audit.OutcomeCommitted) {
			res.Outcome = audit.OutcomeRolledBack
		}
	}()

	// One snapshot of the source for the copy and verify: parity is
	// proven against the rows that were copied.
	snap, closeSource, err := openSource(ctx, o.Source)
	if err != nil {
		return res, err
	}
	defer closeSource()
	if snap != nil {
		o.Users.Source, o.Verify.Source.From = snap, snap
		res.Source = readSource(ctx, snap, o.Users, log)
	}

	begun = true

	if o.Target == nil {
		o.Target = target.Guide
	}
	o.Users.Target, o.Verify.Target = o.Target, o.Target
	m, err := migrator(db, o.Target)
	if err != nil {
		return res, err
	}
	if res.Schema, err = m.Up(ctx, tx); err != nil {
		return res, fmt.Errorf("schema up: %w", err)
	}
	res.Schema = append([]schema.Step{}, res.Schema...)
	log.Info("schema up", "applied", len(res.Schema))

	users, err := usermigrate.Run(ctx, w, o.Users)
	res.Users = &users
	if err != nil {
		if errors.Is(err, usermigrate.ErrRejected) {
			res.Outcome = audit.OutcomeRejected
		}
		return res, err
	}
	log.Info("users copied", "migrated", users.Migrated, "rejected", users.Rejected, "temp_passwords", users.TempPasswords)

	if o.afterCopy != nil {
		if err := o.afterCopy(ctx, tx); err != nil {
			return res, err
		}
	}

	rep, err := integrity.Run(ctx, tx, db.Dialect, o.Verify)
	if err != nil && !errors.Is(err, integrity.ErrVerifyFailed) {
		return res, fmt.Errorf("verify: %w", err)
	}
	res.Verify = &rep
	if rep.Failed() {
		res.Outcome = audit.OutcomeVerifyFail
		return res, fmt.Errorf("%w: %s failed inside the migration transaction; nothing was committed",
			integrity.ErrVerifyFailed, strings.Join(rep.FailedIDs(), ", "))
	}
	log.Info("verify passed", "checks", len(rep.Checks))

	if !o.Execute {
		res.Outcome = audit.OutcomeDryRun
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := w.Commit(); err != nil {
		return res, err
	}
	committed = true
	res.Committed, res.Outcome = true, audit.OutcomeCommitted
	return res, nil
}
