package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// NewRootCmd builds the whole command tree over a factory.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "dhmig",
		Short: "Move a DhafnckMCP installation to the JWT authentication schema, safely",
		Long: `dhmig moves DhafnckMCP users from the legacy table to the JWT authentication
schema (auth_users, auth_refresh_tokens) on SQLite or PostgreSQL: back up first,
preview, migrate all-or-nothing, prove the result, roll back from a verified backup.`,
		Version:       f.Build.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			f.flags = cmd.Root().PersistentFlags()
			if f.Global.Quiet && f.Global.Verbose {
				return usageErrorf("--quiet and --verbose cannot be used together")
			}
			return nil
		},
	}
	root.SetVersionTemplate("dhmig {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })

	p := root.PersistentFlags()
	p.String("database-url", "", "database URL (default sqlite:///./dhafnck_mcp.db; env DHMIG_DATABASE_URL, DATABASE_URL)")
	p.String("source-url", "", "database holding the legacy table, only read (default: --database-url; env DHMIG_SOURCE_URL)")
	p.String("target", "", "auth tables: guide (auth_users, the default) or dhafnck (the server's users table; env DHMIG_TARGET)")
	p.String("config", "", "config file (default ./dhmig.yaml when present; env DHMIG_CONFIG)")
	p.String("env-file", "", "env file (default ./.env when present; env DHMIG_ENV_FILE)")
	p.String("backup-dir", "", "backup directory (default ./backups; env DHMIG_BACKUP_DIR, BACKUP_LOCATION)")
	p.String("log-file", "", "migration log, JSON lines (env DHMIG_LOG_FILE, MIGRATION_LOG)")
	p.String("environment", "", "environment name; production asks before writing (env DHMIG_ENVIRONMENT, MIGRATION_ENV)")
	p.String("lock-timeout", "", "how long to wait for another writer (default 15s; env DHMIG_LOCK_TIMEOUT)")
	p.String("connect-timeout", "", "how long to wait for the database server (default 10s; env DHMIG_CONNECT_TIMEOUT)")
	p.StringVarP(&f.Global.Output, "output", "o", "", "output format: table or json (some commands offer more)")
	p.BoolVar(&f.Global.Quiet, "quiet", false, "print results and warnings only")
	p.BoolVar(&f.Global.NoProgress, "no-progress", false, "never show progress bars")
	p.BoolVar(&f.Global.Verbose, "verbose", false, "print debug logs")
	p.BoolVar(&f.Global.Yes, "yes", false, "answer yes to confirmations (required when there is no terminal)")

	root.AddCommand(
		NewSchemaCmd(f),
		NewDoctorCmd(f),
		NewMigrateCmd(f, nil),
		NewMigrateUsersCmd(f, nil),
		NewConfigCmd(f),
		NewHistoryCmd(f),
		NewVersionCmd(f),
		NewJWTCmd(f),
		NewBackupCmd(f, nil),
		NewRollbackCmd(f, nil),
		NewVerifyCmd(f, nil),
		NewMetricsCmd(f, nil),
		NewSmokeCmd(f),
		NewLoginCheckCmd(f),
		NewNotifyCmd(f),
	)
	addCompletionCmd(root)
	return root
}

// Main runs dhmig with the given arguments and returns the exit code. It is
// the one place where errors become messages and exit codes.
func Main(ctx context.Context, args []string, f *Factory) int {
	return execute(ctx, NewRootCmd(f), args, f)
}

// execute runs root with args; Main's body, for a tree whose commands
// tests have replaced.
func execute(ctx context.Context, root *cobra.Command, args []string, f *Factory) int {
	defer f.Close()
	root.SetArgs(args)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var ue *UsageError
	if !errors.As(err, &ue) && isCobraUsage(err) {
		err = &UsageError{Err: err}
	}
	code, kind := ExitCode(err)
	msg := f.redact(err.Error())
	if kind == "interrupted" {
		msg = "interrupted: " + msg
	}
	if f.Global.Output == string(output.JSON) && !isReported(err) {
		_ = output.WriteJSON(f.IO.Out, output.ErrorDoc{Error: output.ErrorBody{ExitCode: code, Kind: kind, Message: msg}})
	}
	fmt.Fprintf(f.IO.ErrOut, "dhmig: %s\n", msg)
	if code == ExitUsage && cmd != nil && errors.As(err, &ue) {
		fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// redact masks every known secret in a message: the database password and
// secret settings, whether or not the configuration finished loading.
func (f *Factory) redact(msg string) string {
	if f.cfg == nil {
		return msg
	}
	return database.Redact(msg, f.cfg.Secrets()...)
}
