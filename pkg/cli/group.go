package cli

import "github.com/spf13/cobra"

// runGroup is the RunE of a command that only groups subcommands: alone it
// prints its help; with an unknown subcommand its cobra.NoArgs rejects it as
// a usage error (cobra would otherwise print help and exit 0).
func runGroup(cmd *cobra.Command, _ []string) error { return cmd.Help() }
