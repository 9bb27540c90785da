package cli

import "github.com/spf13/cobra"

// NewConfigCmd groups the configuration commands.
func NewConfigCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show, check or generate dhmig's and the app's settings",
		Args:  cobra.NoArgs,
		RunE:  runGroup,
	}
	cmd.AddCommand(newConfigShowCmd(f), newConfigCheckCmd(f), newConfigInitCmd(f))
	return cmd
}
