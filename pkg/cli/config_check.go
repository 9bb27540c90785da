package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

func newConfigCheckCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Validate the app's JWT, SMTP and security settings (the guide's Step 3), key by key",
		Long: `Check the settings the app reads from its .env (the guide's Step 3) as they are
effectively configured: the real environment, then the .env file (--env-file,
default ./.env), then dhmig.yaml. Each key gets ok, warning or error; the
rules are in docs/configuration.md. Secrets and passwords are never printed.
Exits 2 when any key is an error.`,
		Example: `  dhmig config check
  dhmig config check --env-file /srv/dhafnck/.env -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			rep := cfg.CheckApp()
			if format == output.JSON {
				err = output.WriteJSON(f.IO.Out, rep)
			} else {
				err = writeConfigCheck(f, rep)
			}
			if err != nil {
				return err
			}
			if !rep.OK {
				return reported(fmt.Errorf("%w: config check found %s", config.ErrInvalid, plural(rep.Errors, "error")))
			}
			return nil
		},
	}
}

func writeConfigCheck(f *Factory, rep config.AppReport) error {
	envFile := rep.EnvFile
	if envFile == "" {
		envFile = "none (values from the environment and defaults)"
	}
	if _, err := fmt.Fprintf(f.IO.Out, "env file: %s\n", envFile); err != nil {
		return err
	}
	rows := make([][]string, 0, len(rep.Checks))
	for _, k := range rep.Checks {
		rows = append(rows, []string{k.Key, string(k.Status), k.Source, k.Detail})
	}
	if err := output.WriteTable(f.IO.Out, []string{"KEY", "STATUS", "SOURCE", "DETAIL"}, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(f.IO.Out, "%s, %s\n", plural(rep.Errors, "error"), plural(rep.Warnings, "warning"))
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
