package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/output"
)

type versionResult struct {
	BuildInfo
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// NewVersionCmd prints the version, commit and build date.
func NewVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print dhmig's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			r := versionResult{BuildInfo: f.Build, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
			if format == output.JSON {
				return output.WriteJSON(f.IO.Out, r)
			}
			_, err = fmt.Fprintf(f.IO.Out, "dhmig %s (commit %s, built %s, %s %s)\n", r.Version, r.Commit, r.Date, r.Go, r.Platform)
			return err
		},
	}
}
