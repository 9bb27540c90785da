package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/output"
)

func newSchemaDownCmd(f *Factory) *cobra.Command {
	var to int
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
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			if to < 0 {
				return usageErrorf("--to must be a version number, 0 or more")
			}
			t, err := f.Target()
			if err != nil {
				return err
			}
			action := fmt.Sprintf("revert the dhmig schema on %s (drops the auth tables and every row in them)", t.Redacted())
			if to > 0 {
				action = fmt.Sprintf("revert the dhmig schema on %s down to version %04d", t.Redacted(), to)
			}
			if err := f.confirm(action); err != nil {
				return err
			}
			return runSchemaChange(cmd.Context(), f, format, "down", to)
		},
	}
	cmd.Flags().IntVar(&to, "to", 0, "keep versions up to and including this one (0 reverts everything)")
	return cmd
}
