package cli

import (
	"github.com/spf13/cobra"
)

// NewSchemaCmd groups the versioned schema commands.
func NewSchemaCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Apply, revert, inspect or print the versioned auth schema",
		Args:  cobra.NoArgs,
		RunE:  runGroup,
	}
	cmd.AddCommand(newSchemaUpCmd(f, nil), newSchemaDownCmd(f, nil), newSchemaStatusCmd(f), newSchemaPrintCmd(f))
	return cmd
}
