package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// copyCommand is what migrate and migrate-users tell the runner they
// share: how to make their one call, record it and render it.
type copyCommand struct {
	name    string // the command, in the audit trail
	execute bool
	confirm string // the production confirmation's action, with %s for the database
	rejects string // --rejects
	// config is the command's configuration (the factory's, loaded once).
	config func() (*config.Config, error)
	// call makes the command's one call into pkg/migration; render says
	// whether there is a result to show.
	call func(ctx context.Context, in copyInput) (render bool, err error)
	// record copies the result into the audit record.
	record func(*audit.Run)
	// rendered writes the result; report is the rejects report's path,
	// empty when nothing was rejected.
	rendered func(report string) error
}

// copyInput is what the runner prepared for the call.
type copyInput struct {
	db, source *database.DB
	users      usermigrate.Options
	write      database.WriteOptions
	gc         migration.GCTuning
	log        *runRecorder
}

// runCopy runs migrate or migrate-users: confirmation, audit record,
// rejects report, progress bars, the database and the source, the call,
// the render.
func (f *Factory) runCopy(ctx context.Context, c copyCommand, users usermigrate.Options) (err error) {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	if c.execute {
		if err := f.confirmProduction(cfg, c.confirm); err != nil {
			return err
		}
	}
	users.Target = cfg.Target()
	run := f.startRun(c.name, !c.execute)
	users.DryRun, users.RunID, users.Now = !c.execute, run.run.ID, run.run.StartedAt
	report := f.rejectsReport(c.rejects, users.RunID)
	bars := &phaseProgress{f: f}
	users.Rejects, users.Logger, users.Progress = report, run.log, bars.update

	db, err := f.OpenDB(ctx)
	if err != nil {
		run.finish(nil, err)
		return err
	}
	defer db.Close()
	defer func() {
		c.record(&run.run)
		run.finish(db, err)
	}()
	src, err := f.OpenSource(ctx, db.Target)
	if err != nil {
		return err
	}
	if src != nil {
		defer src.Close()
	}
	render, err := c.call(ctx, copyInput{db: db, source: src, users: users,
		write: database.WriteOptions{LockTimeout: cfg.LockTimeout()}, gc: f.gcTuning(), log: run})
	bars.finish()
	if cerr := report.Close(); cerr != nil && err == nil {
		err = cerr
	}
	path := ""
	if report.Created() {
		path = report.Path()
	}
	if !render {
		return err
	}
	werr := c.rendered(path)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%w: the migration transaction was rolled back; the database is as it was", err)
		}
		return reported(err)
	}
	return werr
}

// gcTuning lets a bulk copy tune the garbage collector settings the
// operator did not set.
func (f *Factory) gcTuning() migration.GCTuning {
	return migration.GCTuning{Percent: f.getenv("GOGC") == "", MemoryLimit: f.getenv("GOMEMLIMIT") == ""}
}
