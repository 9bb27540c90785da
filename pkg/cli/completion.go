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
