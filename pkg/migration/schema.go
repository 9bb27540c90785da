package migration

import (
	"context"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// migrator is the schema migrator of target p on db (nil: the guide's).
func migrator(db *database.DB, p *target.Profile) (*schema.Migrator, error) {
	if p == nil {
		p = target.Guide
	}
	return schema.NewFor(db.Dialect, p)
}

// SchemaOptions of a schema change.
type SchemaOptions struct {
	// Down reverts versions above To (0: everything); otherwise every
	// pending version is applied.
	Down  bool
	To    int
	Write database.WriteOptions
	// Target is whose schema (nil: the guide's).
	Target *target.Profile
}

// SchemaResult is what a schema change did.
type SchemaResult struct {
	// Steps are the versions applied or reverted, also when a later one
	// failed.
	Steps []schema.Step
	// Current is the version applied afterwards.
	Current int
}

// ChangeSchema applies or reverts versions under the write lock, each in
// its own transaction with its history row.
func ChangeSchema(ctx context.Context, db *database.DB, o SchemaOptions) (SchemaResult, error) {
	res := SchemaResult{Steps: []schema.Step{}}
	m, err := migrator(db, o.Target)
	if err != nil {
		return res, err
	}
	err = database.WithWriteLock(ctx, db, o.Write, func() error {
		var steps []schema.Step
		var err error
		if o.Down {
			steps, err = m.DownEach(ctx, db.DB, o.To)
		} else {
			steps, err = m.UpEach(ctx, db.DB)
		}
		res.Steps = append(res.Steps, steps...)
		return err
	})
	if err != nil {
		return res, err
	}
	st, err := m.Status(ctx, db)
	if err != nil {
		return res, err
	}
	res.Current = st.Current
	return res, nil
}
