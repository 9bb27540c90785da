package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

type configInitOptions struct {
	Path  string
	Force bool
}

type configInitResult struct {
	config.WriteEnvResult
	Mode string   `json:"mode"`
	Keys []string `json:"keys"`
	// ToFill are the keys still holding the guide's placeholders.
	ToFill []string `json:"to_fill"`
}

func newConfigInitCmd(f *Factory) *cobra.Command {
	opts := configInitOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write the guide's .env with a fresh random JWT secret (mode 0600)",
		Long: `Write the app's settings of the guide's Step 3 to a .env file: a fresh
JWT_SECRET_KEY of 48 random bytes (64 characters, never printed), the guide's
token lifetimes, algorithm and security settings, the effective DATABASE_URL,
and the SMTP placeholders to fill in. The file is written atomically with mode
0600. An existing file is left alone unless --force is given; then a copy of
it is kept as <path>.bak-<UTC timestamp>, mode 0600.`,
		Example: `  dhmig config init
  dhmig config init --path /srv/dhafnck/.env --force`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			if opts.Path == "" {
				return usageErrorf("--path must not be empty")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			res, err := runConfigInit(f, cfg, opts)
			if err != nil {
				return err
			}
			if format == output.JSON {
				return output.WriteJSON(f.IO.Out, res)
			}
			return writeConfigInit(f, res)
		},
	}
	cmd.Flags().StringVar(&opts.Path, "path", ".env", "file to write")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing file, keeping a copy of it")
	return cmd
}

func runConfigInit(f *Factory, cfg *config.Config, opts configInitOptions) (configInitResult, error) {
	path := opts.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(f.Dir, path)
	}
	secret, err := config.GenerateSecret()
	if err != nil {
		return configInitResult{}, err
	}
	lines := config.AppEnv(cfg.DatabaseURL(), secret)
	body, err := config.RenderEnv(lines)
	if err != nil {
		return configInitResult{}, usageErrorf("cannot write the .env: %v", err)
	}
	w, err := config.WriteEnvFile(path, body, config.WriteEnvOptions{Force: opts.Force})
	if errors.Is(err, config.ErrEnvExists) {
		return configInitResult{}, &UsageError{Err: err}
	}
	if err != nil {
		return configInitResult{}, err
	}
	res := configInitResult{WriteEnvResult: w, Mode: "0600"}
	for _, l := range lines {
		res.Keys = append(res.Keys, l.Key)
	}
	res.ToFill = []string{"SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM_EMAIL"}
	return res, nil
}

func writeConfigInit(f *Factory, res configInitResult) error {
	w := f.IO.Out
	fmt.Fprintf(w, "wrote %s (mode %s) with a new %d-character JWT_SECRET_KEY (not shown)\n", res.Path, res.Mode, 4*config.SecretBytes/3)
	if res.Backup != "" {
		fmt.Fprintf(w, "kept the previous file as %s (mode 0600)\n", res.Backup)
	}
	_, err := fmt.Fprintf(w, "next: fill in SMTP_HOST, SMTP_USER, SMTP_PASSWORD and SMTP_FROM_EMAIL, then run: dhmig config check --env-file %s\n", res.Path)
	return err
}
