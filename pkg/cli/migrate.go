package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

type migrateOptions struct {
	execute         bool
	dryRun          bool
	backupMaxAge    time.Duration
	skipBackupCheck bool
	userCopyFlags

	// Set by RunE from the flags above and the root's.
	users  usermigrate.Options
	output output.Format
	config func() (*config.Config, error)
}

// migrateOutput is the documented JSON shape of migrate.
type migrateOutput struct {
	migration.Result
	Database string `json:"database"`
	// Source is the database the legacy table is read from when it is not
	// Database (--source-url); it is only read.
	Source string `json:"source,omitempty"`
	// SourceRows identifies the legacy rows read from Source (their count
	// and checksum), as the audit trail records them.
	SourceRows    *backup.SourceInfo `json:"source_rows,omitempty"`
	RunID         string             `json:"run_id"`
	RejectsReport string             `json:"rejects_report"`
}

// NewMigrateCmd runs the whole guide in one transaction. runF, when not
// nil, runs instead of the migration with the options the flags built.
func NewMigrateCmd(f *Factory, runF func(*migrateOptions) error) *cobra.Command {
	o := &migrateOptions{config: f.Config}
	cmd := &cobra.Command{
		Use:   "migrate [--dry-run | --execute]",
		Short: "Backup gate, schema up, user copy and verify in one transaction (a dry run unless --execute)",
		Long: `Run the migration guide in one transaction: check for a recent verified backup,
apply the auth schema, copy the legacy users (same options as migrate-users) and
run every verify check inside the transaction. It commits only with --execute
and only when every error-severity check passes; otherwise nothing is written.

Without --execute it is a dry run: every step runs and is rolled back, and the
backup gate reports what it would say. --execute refuses (exit 5) without a
verified backup of this database younger than --backup-max-age, unless
--skip-backup-check (recorded in the audit trail). With MIGRATION_ENV=production
--execute asks for confirmation on a terminal and needs --yes otherwise.

Exit codes: 0 done, 3 rows rejected under a fail policy or verify failed
(nothing written), 5 backup missing, stale or corrupt, 4 lock held, 2 usage,
1 error (an interrupted run rolls back).`,
		Example: `  dhmig backup && dhmig migrate --dry-run
  dhmig migrate --execute --on-conflict skip --unsupported-hash reset
  MIGRATION_ENV=production dhmig migrate --execute --yes -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.users, err = o.userCopyFlags.validate(); err != nil {
				return err
			}
			if o.backupMaxAge <= 0 {
				return usageErrorf("--backup-max-age must be positive, e.g. 24h")
			}
			if o.output, err = f.Format(output.Table, output.JSON); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runMigrate(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.execute, "execute", false, "commit the migration when verify passes (without it, a dry run)")
	fl.BoolVar(&o.dryRun, "dry-run", false, "run every step and roll back (the default)")
	fl.DurationVar(&o.backupMaxAge, "backup-max-age", 24*time.Hour, "how old the newest verified backup may be for --execute")
	fl.BoolVar(&o.skipBackupCheck, "skip-backup-check", false, "run --execute without a recent verified backup (recorded)")
	o.userCopyFlags.bind(fl)
	cmd.MarkFlagsMutuallyExclusive("execute", "dry-run")
	return cmd
}

// verifyOptionsFor checks the copy against the same legacy table and
// columns it read; hashes kept on purpose are a warning, not a failure.
func verifyOptionsFor(users usermigrate.Options) integrity.Options {
	o := integrity.Options{Source: integrity.Source{Table: users.SourceTable, ID: users.Columns.ID,
		Email: users.Columns.Email, PasswordHash: users.Columns.PasswordHash, Required: true}}
	if users.UnsupportedHash == usermigrate.HashKeep {
		o.WarnOnly = []string{"data.password_hash_scheme"}
	}
	return o
}

func runMigrate(ctx context.Context, f *Factory, o *migrateOptions) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	var out migrateOutput
	return f.runCopy(ctx, copyCommand{
		name: "migrate", execute: o.execute, rejects: o.rejects, config: o.config,
		confirm: "migrate the users of %s in production (MIGRATION_ENV=production)",
		call: func(ctx context.Context, in copyInput) (bool, error) {
			out = migrateOutput{Database: in.db.Target.Redacted(), RunID: in.users.RunID}
			var err error
			out.Result, err = migration.Run(ctx, in.db, migration.Options{
				Execute: o.execute, Target: in.users.Target,
				Gate: migration.GateOptions{Skip: o.skipBackupCheck, Dir: cfg.BackupDir(), Identity: in.db.Target.Identity(),
					MaxAge: o.backupMaxAge, Now: time.Now()},
				Users: in.users, Verify: verifyOptionsFor(in.users), Logger: in.log.log,
				Write: in.write, Source: in.source, GC: in.gc,
			})
			out.Source, out.SourceRows = out.Result.Source.Display, out.Result.Source.Rows
			if out.Verify != nil {
				out.Verify.Database = out.Database
			}
			// No outcome: nothing ran (the gate refused, the lock was held).
			return out.Outcome != "", err
		},
		record: func(r *audit.Run) {
			if out.Users != nil {
				r.RowsRead, r.RowsRejected = out.Users.RowsRead, out.Users.Rejected
				if out.Committed {
					r.RowsMigrated = out.Users.Migrated
				}
			}
			if out.Gate.BackupID != "" {
				id := out.Gate.BackupID
				r.BackupID = &id
			}
			details := map[string]string{}
			if out.Gate.Status == migration.GateSkipped {
				details["backup_gate"] = "skipped (--skip-backup-check)"
			}
			if s := out.SourceRows; s != nil {
				details["source"], details["source_table"] = s.Display, s.Table
				details["source_rows"], details["source_sha256"] = strconv.FormatInt(s.Rows, 10), s.SHA256
			}
			if len(details) > 0 {
				r.Details = details
			}
		},
		rendered: func(report string) error {
			out.RejectsReport = report
			if o.output == output.JSON {
				return output.WriteJSON(f.IO.Out, out)
			}
			return writeMigrate(f, out)
		},
	}, o.users)
}

func writeMigrate(f *Factory, out migrateOutput) error {
	w := f.IO.Out
	switch out.Outcome {
	case audit.OutcomeCommitted:
		fmt.Fprintf(w, "COMMITTED: %d users migrated; every verify check passed inside the transaction.\n", out.Users.Migrated)
	case audit.OutcomeDryRun:
		fmt.Fprintln(w, "DRY RUN: nothing was written — every step ran in one transaction that was rolled back. Use --execute to write.")
	case audit.OutcomeRejected:
		fmt.Fprintln(w, "REJECTED: nothing was written — rows were rejected under a fail policy (see the rejects report).")
	case audit.OutcomeVerifyFail:
		fmt.Fprintln(w, "ROLLED BACK: verify failed inside the transaction; nothing was committed.")
	case audit.OutcomeGateFailed:
		fmt.Fprintln(w, "REFUSED: no usable backup; nothing was done.")
	default:
		fmt.Fprintln(w, "ROLLED BACK: the migration stopped; nothing was committed.")
	}
	gate := out.Gate.Status + ": " + out.Gate.Message
	if !out.Gate.Passed() && out.DryRun {
		gate = "would refuse --execute: " + out.Gate.Message
	}
	schemaLine := "already up to date"
	if len(out.Schema) > 0 {
		var names []string
		for _, s := range out.Schema {
			names = append(names, fmt.Sprintf("%04d_%s", s.Version, s.Name))
		}
		verb := "applied "
		if !out.Committed {
			verb = "would apply "
		}
		schemaLine = verb + strings.Join(names, ", ")
	}
	if out.Source != "" {
		fmt.Fprintf(w, "\nread from:   %s (the legacy table; only read)\nwritten to:  %s\n", out.Source, out.Database)
	}
	fmt.Fprintf(w, "\nbackup gate: %s\nschema:      %s\n\n", gate, schemaLine)
	if out.Users != nil {
		u := migrateUsersOutput{Result: *out.Users, Database: out.Database, Source: out.Source, Written: out.Committed, RejectsReport: out.RejectsReport}
		if err := output.WriteTable(w, []string{"USERS", "VALUE"}, userCopyRows(u)); err != nil {
			return err
		}
	}
	if out.Verify != nil {
		fmt.Fprintln(w)
		return writeVerifyTable(w, *out.Verify)
	}
	return nil
}
