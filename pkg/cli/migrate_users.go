package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// userCopyFlags are the flags migrate-users and migrate share: the policies
// and the source of the legacy → auth copy.
type userCopyFlags struct {
	onConflict      string
	unsupportedHash string
	emailCase       string
	tempPasswords   string
	bcryptCost      int
	rejects         string
	sourceTable     string
	mapColumns      []string
}

type migrateUsersOptions struct {
	execute bool
	dryRun  bool
	userCopyFlags

	// Set by RunE from the flags above and the root's.
	users  usermigrate.Options
	output output.Format
	config func() (*config.Config, error)
}

// migrateUsersOutput is the documented JSON shape of migrate-users: the
// package's result plus what the command did with the transaction.
type migrateUsersOutput struct {
	usermigrate.Result
	Database string `json:"database"`
	// Source is the database the legacy table was read from when it is
	// not Database (--source-url); it is only read.
	Source string `json:"source,omitempty"`
	// Written is true only when the transaction was committed.
	Written bool `json:"written"`
	// RejectsReport is the NDJSON report's path; empty when nothing was
	// rejected (no file is created then).
	RejectsReport string `json:"rejects_report"`
	// table is the target's user table, for the summary line.
	table string
}

// NewMigrateUsersCmd copies legacy users into auth_users. runF, when not
// nil, runs instead of the copy with the options the flags built.
func NewMigrateUsersCmd(f *Factory, runF func(*migrateUsersOptions) error) *cobra.Command {
	o := &migrateUsersOptions{config: f.Config}
	cmd := &cobra.Command{
		Use:   "migrate-users [--dry-run | --execute]",
		Short: "Copy legacy users into auth_users (a dry run unless --execute)",
		Long: `Copy every legacy user into auth_users following dhmig's mapping. A preflight
reads the whole source and classifies each row; conflicts (--on-conflict) and
unsupported password hashes (--unsupported-hash) follow their policy, invalid
rows are always rejected. Every rejected row goes to the rejects report (NDJSON,
mode 0600, ids and codes only). Re-runs migrate only legacy rows not migrated yet.

Without --execute this is a dry run: every step runs inside a transaction that
is rolled back, and nothing is written to the database.

Exit codes: 0 done, 3 rows rejected under a fail policy (nothing written),
1 error, 2 bad flags, 4 another dhmig run holds the lock.`,
		Example: `  dhmig migrate-users                      # dry run: what would happen
  dhmig migrate-users --execute --on-conflict skip --unsupported-hash reset
  dhmig migrate-users --source-table old_users --map-column email=mail -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.users, err = o.validate(); err != nil {
				return err
			}
			if o.output, err = f.Format(output.Table, output.JSON); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runMigrateUsers(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.execute, "execute", false, "write the changes (without it, a dry run that writes nothing)")
	fl.BoolVar(&o.dryRun, "dry-run", false, "preview only: run every step in a transaction that is rolled back (the default)")
	o.userCopyFlags.bind(fl)
	cmd.MarkFlagsMutuallyExclusive("execute", "dry-run")
	return cmd
}

// bind registers the copy's flags.
func (o *userCopyFlags) bind(fl *pflag.FlagSet) {
	fl.StringVar(&o.onConflict, "on-conflict", "fail", "duplicate email or username: fail (write nothing) or skip (earliest row wins)")
	fl.StringVar(&o.unsupportedHash, "unsupported-hash", "fail", "hash that is not accepted bcrypt: fail, reset (temporary password) or keep (copy as is)")
	fl.StringVar(&o.emailCase, "email-case", "lower", "store emails lowercased (lower) or as written (preserve); conflicts ignore case either way")
	fl.StringVar(&o.tempPasswords, "temp-passwords", "bcrypt", "temporary passwords for missing hashes: bcrypt (random password, hashed) or sealed (no password matches, instant)")
	fl.IntVar(&o.bcryptCost, "bcrypt-cost", usermigrate.DefaultBcryptCost, "bcrypt cost of temporary passwords (4–31)")
	fl.StringVar(&o.rejects, "rejects", "", "rejects report path (default ./dhmig-rejects-<run id>.ndjson)")
	fl.StringVar(&o.sourceTable, "source-table", "legacy_users", "legacy table to read")
	fl.StringArrayVar(&o.mapColumns, "map-column", nil, "renamed legacy column, field=column (e.g. email=mail); fields: id, email, username, password_hash, created_at, is_active")
}

// validate turns flags into package options, or a usage error (exit 2).
func (o *migrateUsersOptions) validate() (usermigrate.Options, error) {
	opts, err := o.userCopyFlags.validate()
	opts.DryRun = !o.execute
	return opts, err
}

// validate turns the copy's flags into package options, or a usage error.
func (o *userCopyFlags) validate() (usermigrate.Options, error) {
	var opts usermigrate.Options
	switch p := usermigrate.ConflictPolicy(o.onConflict); p {
	case usermigrate.ConflictFail, usermigrate.ConflictSkip:
		opts.OnConflict = p
	default:
		return opts, usageErrorf("--on-conflict %q: use fail or skip", o.onConflict)
	}
	switch p := usermigrate.HashPolicy(o.unsupportedHash); p {
	case usermigrate.HashFail, usermigrate.HashReset, usermigrate.HashKeep:
		opts.UnsupportedHash = p
	default:
		return opts, usageErrorf("--unsupported-hash %q: use fail, reset or keep", o.unsupportedHash)
	}
	switch c := usermigrate.EmailCase(o.emailCase); c {
	case usermigrate.EmailLower, usermigrate.EmailPreserve:
		opts.EmailCase = c
	default:
		return opts, usageErrorf("--email-case %q: use lower or preserve", o.emailCase)
	}
	mode, err := password.ParseTempMode(o.tempPasswords)
	if err != nil {
		return opts, usageErrorf("--temp-passwords: %v", err)
	}
	opts.TempPasswords = mode
	if err := password.ValidateCost(o.bcryptCost); err != nil {
		return opts, usageErrorf("--bcrypt-cost: %v", err)
	}
	opts.BcryptCost = o.bcryptCost
	if err := identFlag("--source-table", o.sourceTable); err != nil {
		return opts, err
	}
	opts.SourceTable = o.sourceTable
	if opts.Columns, err = usermigrate.ParseColumnMap(o.mapColumns); err != nil {
		return opts, usageErrorf("--map-column: %v", err)
	}
	return opts, nil
}

// rejectsReport opens (lazily) the rejects report of a run: the --rejects
// path or ./dhmig-rejects-<run id>.ndjson.
func (f *Factory) rejectsReport(path, runID string) *usermigrate.ReportFile {
	if path == "" {
		path = filepath.Join(f.Dir, "dhmig-rejects-"+runID+".ndjson")
	}
	return usermigrate.NewReportFile(path)
}

func runMigrateUsers(ctx context.Context, f *Factory, o *migrateUsersOptions) error {
	opts := o.users
	var out migrateUsersOutput
	return f.runCopy(ctx, copyCommand{
		name: "migrate-users", execute: !opts.DryRun, rejects: o.rejects, config: o.config,
		confirm: "copy the legacy users of %s in production (MIGRATION_ENV=production)",
		call: func(ctx context.Context, in copyInput) (bool, error) {
			out = migrateUsersOutput{Database: in.db.Target.Redacted(), table: in.users.Target.Users}
			res, err := migration.MigrateUsers(ctx, in.db, migration.UsersOptions{
				Users: in.users, Write: in.write, Source: in.source, GC: in.gc})
			out.Result, out.Source, out.Written = res.Result, res.Source, res.Written
			if err != nil && !errors.Is(err, usermigrate.ErrRejected) {
				return false, err
			}
			if out.SealedWouldSave && !opts.DryRun {
				f.Logger().Info("hint: --temp-passwords sealed would have skipped bcrypt hashing",
					"estimated", fmt.Sprintf("%.0fs", out.EstimatedHashingSeconds))
			}
			return true, err
		},
		record: func(r *audit.Run) {
			r.RowsRead, r.RowsMigrated, r.RowsRejected = out.RowsRead, out.Migrated, out.Rejected
			if !out.Written {
				r.RowsMigrated = 0
			}
		},
		rendered: func(report string) error {
			out.RejectsReport = report
			if o.output == output.JSON {
				return output.WriteJSON(f.IO.Out, out)
			}
			return writeMigrateUsers(f, out)
		},
	}, opts)
}

func writeMigrateUsers(f *Factory, out migrateUsersOutput) error {
	w := f.IO.Out
	switch {
	case out.Outcome == audit.OutcomeRejected:
		fmt.Fprintln(w, "REJECTED: nothing was written — rows were rejected under a fail policy (see the rejects report).")
	case out.DryRun:
		fmt.Fprintln(w, "DRY RUN: nothing was written — every step ran in a transaction that was rolled back. Use --execute to write.")
	case out.Written && out.Migrated == 0:
		fmt.Fprintln(w, "Nothing to migrate: every legacy row is already migrated or rejected.")
	case out.Written:
		fmt.Fprintf(w, "Migrated %d legacy users into %s.\n", out.Migrated, out.table)
	}
	return output.WriteTable(w, []string{"ITEM", "VALUE"}, userCopyRows(out))
}

// userCopyRows is the copy's summary as table rows; migrate prints them too.
func userCopyRows(out migrateUsersOutput) [][]string {
	migrated := "migrated"
	if !out.Written {
		migrated = "would migrate"
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	rows := [][]string{{"database", out.Database}}
	if out.Source != "" {
		rows = [][]string{{"read from (read only)", out.Source}, {"written to", out.Database}}
	}
	rows = append(rows, [][]string{
		{"source table", out.SourceTable},
		{"rows read", n(out.RowsRead)},
		{"already migrated", n(out.AlreadyMigrated)},
		{migrated, n(out.Migrated)},
		{"temp passwords", n(out.TempPasswords)},
	}...)
	if out.KeptUnsupported > 0 {
		rows = append(rows, []string{"kept unsupported hashes", n(out.KeptUnsupported)})
	}
	rows = append(rows, []string{"rejected", n(out.Rejected)})
	for _, code := range usermigrate.Codes() {
		if c := out.RejectedByCode[code]; c > 0 {
			rows = append(rows, []string{"rejected " + code, n(c)})
		}
	}
	if out.TempPasswords > 0 && out.TempMode == string(password.TempBcrypt) {
		est := fmt.Sprintf("%.1fs at cost %d", out.EstimatedHashingSeconds, out.BcryptCost)
		if out.HashingSimulated {
			est += " (estimated; the dry run did not hash)"
		}
		if out.SealedWouldSave {
			est += "; --temp-passwords sealed would skip it"
		}
		rows = append(rows, []string{"bcrypt hashing", est})
	}
	rows = append(rows,
		[]string{"duration", fmt.Sprintf("%.2fs", out.DurationSeconds)},
		[]string{"rows/s", fmt.Sprintf("%.0f", out.RowsPerSecond)},
		[]string{"run id", out.RunID},
	)
	report := out.RejectsReport
	if report == "" {
		report = "(none: no row rejected)"
	}
	return append(rows, []string{"rejects report", report})
}

// phaseProgress turns the package's progress reports into one bar per
// phase on stderr (silent on a pipe).
type phaseProgress struct {
	f     *Factory
	phase string
	bar   output.Progress
	last  int64
}

func (p *phaseProgress) update(ev usermigrate.Progress) {
	if ev.Phase != p.phase {
		p.finish()
		p.phase, p.last = ev.Phase, 0
		p.bar = p.f.Progress(ev.Total, ev.Phase)
	}
	p.bar.Add(int(ev.Done - p.last))
	p.last = ev.Done
}

func (p *phaseProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
