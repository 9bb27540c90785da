package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

type verifyOptions struct {
	checks, skip  []string
	sourceTable   string
	mapColumns    []string
	examples      int
	knownStatuses []string
	knownRoles    []string
	list          bool

	// Set by RunE from the flags above and the root's: the checks' options
	// (the target's own status and role lists unless the flags name them).
	integrity integrity.Options
	output    output.Format
	config    func() (*config.Config, error)
}

// NewVerifyCmd runs the integrity checks. runF, when not nil, runs instead
// of them with the options the flags built.
func NewVerifyCmd(f *Factory, runF func(*verifyOptions) error) *cobra.Command {
	o := &verifyOptions{config: f.Config}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Run the integrity checks (exit 3 when an error-severity check fails)",
		Long: `Run dhmig's integrity checks against the auth schema, its data and, when a
legacy table and dhmig's bookkeeping exist, parity with the legacy table.
Read-only: verify never writes to the database.

Exit codes: 0 when every error-severity check passes (warnings allowed),
3 when any fails, 1 when verification could not run, 2 on bad flags.
dhmig verify --list shows every check id; docs/verify.md explains each one.`,
		Example: `  dhmig verify
  dhmig verify -o junit > verify.xml
  dhmig verify --check data.duplicate_emails,data.missing_fields
  dhmig verify --skip parity.mapped_values --source-table old_users`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.output, err = f.Format(output.Table, output.JSON, output.JUnit); err != nil {
				return err
			}
			if o.integrity, err = o.integrityOptions(cmd.Flags().Changed("source-table")); err != nil {
				return err
			}
			// The flags' defaults are the guide's spellings: unless given,
			// the target's own lists apply.
			if !cmd.Flags().Changed("known-statuses") {
				o.integrity.KnownStatuses = nil
			}
			if !cmd.Flags().Changed("known-roles") {
				o.integrity.KnownRoles = nil
			}
			if runF != nil {
				return runF(o)
			}
			if o.list {
				return writeCheckList(f, o.output)
			}
			return runVerify(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&o.checks, "check", nil, "run only these check ids (comma-separated or repeated)")
	fl.StringSliceVar(&o.skip, "skip", nil, "leave out these check ids")
	fl.StringVar(&o.sourceTable, "source-table", "legacy_users", "legacy table the parity checks compare against")
	fl.StringArrayVar(&o.mapColumns, "map-column", nil, "legacy column name for an auth field, as field=column (id, email, password_hash)")
	fl.IntVar(&o.examples, "examples", integrity.DefaultExampleLimit, "offending rows to show per check")
	fl.StringSliceVar(&o.knownStatuses, "known-statuses", integrity.DefaultKnownStatuses, "status values the application accepts")
	fl.StringSliceVar(&o.knownRoles, "known-roles", integrity.DefaultKnownRoles, "role values the application accepts")
	fl.BoolVar(&o.list, "list", false, "list the checks and exit")
	return cmd
}

func (o *verifyOptions) integrityOptions(sourceNamed bool) (integrity.Options, error) {
	if err := integrity.ValidateIDs(o.checks, o.skip); err != nil {
		return integrity.Options{}, &UsageError{Err: err}
	}
	if o.examples < 1 {
		return integrity.Options{}, usageErrorf("--examples must be at least 1")
	}
	if err := identFlag("--source-table", o.sourceTable); err != nil {
		return integrity.Options{}, err
	}
	src := integrity.Source{Table: o.sourceTable, Required: sourceNamed}
	// Every field migrate-users maps is accepted, so that its flags can be
	// reused as they are; verify compares id, email and password_hash.
	cols, err := usermigrate.ParseColumnMap(o.mapColumns)
	if err != nil {
		return integrity.Options{}, usageErrorf("--map-column: %v", err)
	}
	src.ID, src.Email, src.PasswordHash = cols.ID, cols.Email, cols.PasswordHash
	if len(o.knownStatuses) == 0 || len(o.knownRoles) == 0 {
		return integrity.Options{}, usageErrorf("--known-statuses and --known-roles cannot be empty")
	}
	return integrity.Options{Only: o.checks, Skip: o.skip, ExampleLimit: o.examples, Source: src,
		KnownStatuses: o.knownStatuses, KnownRoles: o.knownRoles}, nil
}

func runVerify(ctx context.Context, f *Factory, o *verifyOptions) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	opts := o.integrity
	opts.Target = cfg.Target()
	// Each lane of checks gets a connection of its own.
	db, snap, done, err := f.openForReading(ctx, integrity.MaxReaders)
	if err != nil {
		return err
	}
	defer done()
	opts.Source.From = snap
	// No transaction: on SQLite every transaction begins IMMEDIATE and would
	// take the write lock; plain queries only read.
	rep, err := integrity.Run(ctx, db, db.Dialect, opts)
	switch {
	case errors.Is(err, integrity.ErrBadOptions), errors.Is(err, integrity.ErrUnknownCheck):
		return &UsageError{Err: err}
	case err != nil && !errors.Is(err, integrity.ErrVerifyFailed):
		return fmt.Errorf("verification could not run: %w", err)
	}
	rep.Database = db.Target.Redacted()
	f.Logger().Info("verify finished", "ok", rep.OK, "passed", rep.Summary.Passed, "failed", rep.Summary.Failed,
		"warnings", rep.Summary.Warnings, "skipped", rep.Summary.Skipped, "duration_ms", rep.DurationMS)
	if werr := writeVerify(f.IO.Out, o.output, rep); werr != nil {
		return werr
	}
	return reported(err)
}

// writeCheckList lists the checks as the configured target reports them.
func writeCheckList(f *Factory, format output.Format) error {
	p, err := f.Profile()
	if err != nil {
		return err
	}
	type entry struct {
		ID          string             `json:"id"`
		Severity    integrity.Severity `json:"severity"`
		Description string             `json:"description"`
	}
	var list []entry
	rows := [][]string{}
	for _, c := range integrity.ChecksFor(p) {
		list = append(list, entry{c.ID, c.Severity, c.Description})
		rows = append(rows, []string{c.ID, string(c.Severity), c.Description})
	}
	if format == output.JSON {
		return output.WriteJSON(f.IO.Out, list)
	}
	return output.WriteTable(f.IO.Out, []string{"CHECK", "SEVERITY", "DESCRIPTION"}, rows)
}
