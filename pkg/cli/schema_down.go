package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// newSchemaDownCmd reverts applied versions. runF, when not nil, runs
// instead with the options the flags built.
func newSchemaDownCmd(f *Factory, runF func(*schemaChangeOptions) error) *cobra.Command {
	o := &schemaChangeOptions{direction: "down", config: f.Config}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Revert the schema (everything dhmig created, or down to --to VERSION)",
		Long: `Revert applied schema versions, newest first, each in its own transaction.
Without --to it drops auth_users, auth_refresh_tokens and dhmig's bookkeeping
tables with every row in them; other tables, such as legacy_users, are left
untouched. An auth table that existed before dhmig's schema up was adopted,
not created: it is never dropped, and only the users dhmig migrated into it
are deleted. Asks for confirmation on a terminal; needs --yes otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.output, err = f.Format(output.Table, output.JSON); err != nil {
				return err
			}
			if o.to < 0 {
				return usageErrorf("--to must be a version number, 0 or more")
			}
			if runF != nil {
				return runF(o)
			}
			return runSchemaDown(cmd.Context(), f, o)
		},
	}
	cmd.Flags().IntVar(&o.to, "to", 0, "keep versions up to and including this one (0 reverts everything)")
	return cmd
}

// runSchemaDown asks before it reverts.
func runSchemaDown(ctx context.Context, f *Factory, o *schemaChangeOptions) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	t, err := cfg.DatabaseTarget()
	if err != nil {
		return err
	}
	action := fmt.Sprintf("revert the dhmig schema on %s (drops the auth tables and every row in them)", t.Redacted())
	if o.to > 0 {
		action = fmt.Sprintf("revert the dhmig schema on %s down to version %04d", t.Redacted(), o.to)
	}
	if err := f.confirm(action); err != nil {
		return err
	}
	return runSchemaChange(ctx, f, o)
}
