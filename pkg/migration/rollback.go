package migration

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// RollbackOptions of a rollback, from a backup or of the schema only.
type RollbackOptions struct {
	// Safety, when set, backs up the current state first (its Dir,
	// Version, Log, Progress and config files; backup.Safety sets the
	// rest). nil: no safety backup (--no-safety-backup).
	Safety *backup.Options
	Write  database.WriteOptions
	Logger *slog.Logger
	// Target is whose schema a schema-only rollback reverts (nil: the
	// guide's).
	Target *target.Profile
}

// RollbackResult is what a rollback did.
type RollbackResult struct {
	// SafetyBackup is the id of the backup of the state before.
	SafetyBackup string
	// Steps are the versions a schema-only rollback reverted.
	Steps []schema.Step
}

// Restore replaces db's database with the backup plan describes, under
// the write lock, after the safety backup. The error names the safety
// backup when there is one: the state before is there.
func Restore(ctx context.Context, db *database.DB, plan backup.Plan, ro backup.RestoreOptions, o RollbackOptions) (res RollbackResult, err error) {
	if o.Safety != nil {
		s := *o.Safety
		if s.Format = plan.Backup.Database.Format; s.Format == backup.FormatSQLite {
			s.Format = ""
		}
		o.Safety = &s
	}
	err = database.WithWriteLock(ctx, db, o.Write, func() error {
		if err := res.safety(ctx, db, o); err != nil {
			return err
		}
		return backup.Restore(ctx, db, plan, ro)
	})
	if err != nil && res.SafetyBackup != "" {
		return res, fmt.Errorf("%w (the state before is in safety backup %s)", err, res.SafetyBackup)
	}
	return res, err
}

// RollbackSchema reverts every schema version dhmig applied, under the
// write lock, after the safety backup.
func RollbackSchema(ctx context.Context, db *database.DB, o RollbackOptions) (res RollbackResult, err error) {
	m, err := migrator(db, o.Target)
	if err != nil {
		return res, err
	}
	err = database.WithWriteLock(ctx, db, o.Write, func() error {
		if err := res.safety(ctx, db, o); err != nil {
			return err
		}
		steps, err := m.DownEach(ctx, db.DB, 0)
		res.Steps = append(res.Steps, steps...)
		return err
	})
	return res, err
}

// safety takes the safety backup when asked to.
func (res *RollbackResult) safety(ctx context.Context, db *database.DB, o RollbackOptions) error {
	if o.Safety == nil {
		return nil
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log.Debug("backing up", "database", db.Target.Redacted(), "dir", o.Safety.Dir)
	m, err := backup.Safety(ctx, db, *o.Safety)
	if err != nil {
		return err
	}
	log.Info("backup written", m.Summary(o.Safety.Dir)...)
	res.SafetyBackup = m.ID
	log.Info("safety backup of the current state taken", "id", m.ID)
	return nil
}

// PreviewSchemaRollback reverts the schema inside a transaction that is
// always rolled back, and reports the tables that would go away and the
// steps it would take, for target p (nil: the guide's).
func PreviewSchemaRollback(ctx context.Context, db *database.DB, p *target.Profile) (dropped []string, steps []schema.Step, err error) {
	m, err := migrator(db, p)
	if err != nil {
		return nil, nil, err
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback() //nolint:errcheck // always rolled back
	before, err := db.Dialect.Tables(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	if steps, err = m.Down(ctx, tx, 0); err != nil {
		return nil, nil, err
	}
	after, err := db.Dialect.Tables(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	dropped = []string{}
	for _, t := range before {
		if !slices.Contains(after, t) {
			dropped = append(dropped, t)
		}
	}
	return dropped, steps, nil
}
