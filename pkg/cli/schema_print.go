package cli

import (
	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

func newSchemaPrintCmd(f *Factory) *cobra.Command {
	var dialect string
	var down bool
	cmd := &cobra.Command{
		Use:   "print",
		Short: "Write the schema SQL for a manual migration (no database needed)",
		Long: `Write the SQL an operator can run by hand, in one transaction, to apply the
schema (or, with --down, revert it), including the history rows that let
dhmig recognise the result. --dialect defaults to the configured database's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var kind database.Kind
			switch dialect {
			case "sqlite":
				kind = database.SQLite
			case "postgres", "postgresql":
				kind = database.Postgres
			case "":
				t, err := f.Target()
				if err != nil {
					return err
				}
				kind = t.Kind
			default:
				return usageErrorf("unknown --dialect %q: use sqlite or postgres", dialect)
			}
			p, err := f.Profile()
			if err != nil {
				return err
			}
			d, err := database.DialectFor(kind)
			if err != nil {
				return err
			}
			m, err := schema.NewFor(d, p)
			if err != nil {
				return err
			}
			return m.Print(f.IO.Out, down)
		},
	}
	cmd.Flags().StringVar(&dialect, "dialect", "", "sqlite or postgres (default: the configured database's)")
	cmd.Flags().BoolVar(&down, "down", false, "print the SQL that reverts the schema")
	return cmd
}
