package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

type schemaChangeResult struct {
	Database string        `json:"database"`
	Steps    []schema.Step `json:"steps"`
	Current  int           `json:"current_version"`
	Changed  bool          `json:"changed"`
}

// schemaChangeOptions are schema up's and schema down's.
type schemaChangeOptions struct {
	direction string // up or down
	to        int    // down: the newest version kept
	output    output.Format
	config    func() (*config.Config, error)
}

// newSchemaUpCmd applies the pending versions. runF, when not nil, runs
// instead with the options the flags built.
func newSchemaUpCmd(f *Factory, runF func(*schemaChangeOptions) error) *cobra.Command {
	o := &schemaChangeOptions{direction: "up", config: f.Config}
	return &cobra.Command{
		Use:   "up",
		Short: "Apply every pending schema version, each in its own transaction",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.output, err = f.Format(output.Table, output.JSON); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runSchemaChange(cmd.Context(), f, o)
		},
	}
}

// runSchemaChange applies (up) or reverts (down to version) under the write lock.
func runSchemaChange(ctx context.Context, f *Factory, o *schemaChangeOptions) error {
	direction := o.direction
	run := f.startRun("schema "+direction, false)
	db, err := f.OpenDB(ctx)
	if err != nil {
		run.finish(nil, err)
		return err
	}
	defer db.Close()
	err = schemaChange(ctx, f, db, o, run)
	run.finish(db, err)
	return err
}

func schemaChange(ctx context.Context, f *Factory, db *database.DB, o *schemaChangeOptions, run *runRecorder) error {
	direction, to := o.direction, o.to
	cfg, err := o.config()
	if err != nil {
		return err
	}
	ch, err := migration.ChangeSchema(ctx, db, migration.SchemaOptions{Down: direction == "down", To: to, Target: cfg.Target(),
		Write: database.WriteOptions{LockTimeout: cfg.LockTimeout()}})
	for _, s := range ch.Steps {
		run.log.Info("schema "+s.Direction, "version", s.Version, "name", s.Name, "duration_ms", s.DurationMS)
	}
	if err != nil {
		return err
	}
	res := schemaChangeResult{Database: db.Target.Redacted(), Steps: ch.Steps, Current: ch.Current, Changed: len(ch.Steps) > 0}
	if o.output == output.JSON {
		return output.WriteJSON(f.IO.Out, res)
	}
	if !res.Changed {
		if direction == "up" {
			_, err = fmt.Fprintf(f.IO.Out, "schema is up to date at version %04d: nothing to apply\n", res.Current)
		} else {
			_, err = fmt.Fprintf(f.IO.Out, "nothing to revert: no dhmig schema version above %04d is applied\n", to)
		}
		return err
	}
	verb := map[string]string{"up": "applied", "down": "reverted"}[direction]
	for _, s := range res.Steps {
		if _, err := fmt.Fprintf(f.IO.Out, "%s %04d_%s (%d ms)%s\n", verb, s.Version, s.Name, s.DurationMS, adoptionNote(s)); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(f.IO.Out, "schema is now at version %04d\n", res.Current)
	return err
}

// adoptionNote says what a step did with tables dhmig found rather than
// created; nothing for a schema dhmig created itself.
func adoptionNote(s schema.Step) string {
	var notes []string
	if len(s.Adopted) > 0 {
		notes = append(notes, "adopted the existing "+strings.Join(s.Adopted, ", ")+" (never dropped by dhmig)")
	}
	if s.RowsRemoved > 0 {
		notes = append(notes, fmt.Sprintf("deleted the %d users dhmig had migrated into an adopted table", s.RowsRemoved))
	}
	if len(s.Kept) > 0 {
		notes = append(notes, "kept the adopted "+strings.Join(s.Kept, ", "))
	}
	if len(notes) == 0 {
		return ""
	}
	return ": " + strings.Join(notes, "; ")
}
