package cli

import (
	"context"
	"errors"
	"log/slog"
	"os/user"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/notify"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// runRecorder follows one writing command: a run id on every log line, and
// at the end a dhmig_runs row plus a "run finished" line in the log.
type runRecorder struct {
	run audit.Run
	log *slog.Logger
}

// startRun begins the audit record of a writing command.
func (f *Factory) startRun(command string, dryRun bool) *runRecorder {
	r := &runRecorder{run: audit.Run{
		ID: audit.NewRunID(), Command: command, StartedAt: time.Now().UTC(), DryRun: dryRun,
		Version: f.Build.Version, OSUser: f.osUser(),
	}}
	r.log = f.Logger().With("run_id", r.run.ID, "command", command)
	return r
}

func (f *Factory) osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := f.getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}

// outcomeOf names how a run ended.
func outcomeOf(err error, dryRun bool) audit.Outcome {
	switch {
	case err == nil && dryRun:
		return audit.OutcomeDryRun
	case err == nil:
		return audit.OutcomeOK
	case errors.Is(err, usermigrate.ErrRejected):
		return audit.OutcomeRejected
	case errors.Is(err, integrity.ErrVerifyFailed):
		return audit.OutcomeVerifyFail
	case errors.Is(err, context.Canceled):
		return audit.OutcomeInterrupted
	case errors.Is(err, notify.ErrRecipientsFailed), errors.Is(err, notify.ErrDeferred):
		return audit.OutcomePartial
	default:
		return audit.OutcomeFailed
	}
}

// finish records the run in dhmig_runs when the table exists (db may be
// nil, e.g. when the database could not be opened) and always logs it. A
// dry run writes nothing, not even its audit row: the log holds it.
// It uses its own context: an interrupted run must still be recorded.
func (r *runRecorder) finish(db *database.DB, err error) {
	now := time.Now().UTC()
	r.run.FinishedAt = &now
	r.run.Outcome = outcomeOf(err, r.run.DryRun)
	recorded := false
	if db != nil && !r.run.DryRun {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var rerr error
		recorded, rerr = audit.Record(ctx, db, db.Dialect, r.run)
		if rerr != nil {
			r.log.Warn("could not record the run in dhmig_runs", "error", rerr)
		}
	}
	attrs := []any{"outcome", r.run.Outcome, "dry_run", r.run.DryRun,
		"rows_read", r.run.RowsRead, "rows_migrated", r.run.RowsMigrated, "rows_rejected", r.run.RowsRejected,
		"duration_ms", now.Sub(r.run.StartedAt).Milliseconds(), "recorded_in_db", recorded, "os_user", r.run.OSUser,
		"dhmig_version", r.run.Version}
	if r.run.BackupID != nil {
		attrs = append(attrs, "backup_id", *r.run.BackupID)
	}
	r.log.Info("run finished", attrs...)
}
