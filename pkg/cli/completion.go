package cli

import "github.com/spf13/cobra"

// addCompletionCmd adds cobra's `completion bash|zsh|fish|powershell` now
// rather than at Execute, so that the docs generator sees it and an unknown
// shell is a usage error (exit 2) instead of help and exit 0.
func addCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = runGroup
		}
	}
}

// runGroup is the RunE of a command that only groups subcommands: alone it
// prints its help; with an unknown subcommand its cobra.NoArgs rejects it as
// a usage error (cobra would otherwise print help and exit 0).
func runGroup(cmd *cobra.Command, _ []string) error { return cmd.Help() }
