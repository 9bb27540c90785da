package cli

import (
	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

type configShowResult struct {
	ConfigFile string         `json:"config_file"`
	EnvFile    string         `json:"env_file"`
	Settings   []config.Entry `json:"settings"`
}

func newConfigShowCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration and where each value came from (secrets as ***)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			res := configShowResult{ConfigFile: cfg.ConfigFile, EnvFile: cfg.EnvFile, Settings: cfg.Effective()}
			if format == output.JSON {
				return output.WriteJSON(f.IO.Out, res)
			}
			rows := make([][]string, 0, len(res.Settings))
			for _, e := range res.Settings {
				v := e.Value
				if v == "" {
					v = `""`
				}
				rows = append(rows, []string{e.Key, v, e.Source})
			}
			return output.WriteTable(f.IO.Out, []string{"KEY", "VALUE", "SOURCE"}, rows)
		},
	}
}
