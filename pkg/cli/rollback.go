package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

type rollbackOptions struct {
	ref         string
	dryRun      bool
	configFiles bool
	noSafety    bool
	schemaOnly  bool

	// Set by RunE from the root's flags.
	output output.Format
	config func() (*config.Config, error)
}

// rollbackResult is the JSON shape of `dhmig rollback -o json`.
type rollbackResult struct {
	Database string `json:"database"`
	// Mode is "backup" (restore a backup) or "schema-only".
	Mode         string `json:"mode"`
	DryRun       bool   `json:"dry_run"`
	Changed      bool   `json:"changed"`
	Backup       string `json:"backup,omitempty"`
	SafetyBackup string `json:"safety_backup,omitempty"`
	// Plan is what a backup restore replaces (mode backup).
	Plan *backup.Plan `json:"plan,omitempty"`
	// TablesDropped are the tables schema-only drops (mode schema-only).
	TablesDropped []string `json:"tables_dropped,omitempty"`
	// TablesKept are tables dhmig adopted rather than created: schema-only
	// keeps them and deletes only the UsersRemoved it migrated into them.
	TablesKept   []string      `json:"tables_kept,omitempty"`
	UsersRemoved int64         `json:"users_removed,omitempty"`
	SchemaSteps  []schema.Step `json:"schema_steps,omitempty"`
}

// NewRollbackCmd restores a verified backup, or reverts dhmig's schema.
// runF, when not nil, runs instead of the rollback with the options the
// flags built.
func NewRollbackCmd(f *Factory, runF func(*rollbackOptions) error) *cobra.Command {
	opts := rollbackOptions{config: f.Config}
	cmd := &cobra.Command{
		Use:   "rollback [--backup ID|latest] [--dry-run] [--yes] [--config] [--no-safety-backup] [--schema-only]",
		Short: "Restore a verified backup, or drop what dhmig created (--schema-only)",
		Long: `Restore the database to a backup, all or nothing. The backup is verified first
(checksums, integrity_check / pg_restore --list); any mismatch refuses with exit
5 before anything is touched. dhmig shows what will be replaced, asks on a
terminal (needs --yes otherwise, exit 2), takes a safety backup of the current
state (skip with --no-safety-backup) and prints its id, then restores:
SQLite by swapping the file atomically, PostgreSQL by dropping every schema
and replaying the archive in one transaction, so tables created after the
backup are gone too. --config also puts back the config files and .env.

--backup latest (the default) is the newest backup of this database that is
not itself a rollback safety backup; when it cannot be read or fails
verification, rollback stops with exit 5 (name an older backup by id).

--schema-only needs no backup: it reverts dhmig's schema (the auth tables and
dhmig's bookkeeping, with every row in them), leaving legacy_users and every
other table untouched. An auth table dhmig adopted rather than created is
kept, with only the users dhmig migrated into it deleted.

Stop the services that use the database first (see docs/rollback.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.output, err = f.Format(output.Table, output.JSON); err != nil {
				return err
			}
			if opts.schemaOnly && (cmd.Flags().Changed("backup") || opts.configFiles) {
				return usageErrorf("--schema-only restores no backup: it cannot be combined with --backup or --config")
			}
			if strings.TrimSpace(opts.ref) == "" {
				return usageErrorf("--backup needs a backup id or latest")
			}
			if runF != nil {
				return runF(&opts)
			}
			if opts.schemaOnly {
				return runRollbackSchema(cmd.Context(), f, opts)
			}
			return runRollback(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.ref, "backup", backup.Latest, "backup id to restore, or latest")
	fl.BoolVar(&opts.dryRun, "dry-run", false, "verify and show the plan; change nothing")
	fl.BoolVar(&opts.configFiles, "config", false, "also restore the config files and .env from the backup")
	fl.BoolVar(&opts.noSafety, "no-safety-backup", false, "do not back up the current state first")
	fl.BoolVar(&opts.schemaOnly, "schema-only", false, "drop what dhmig created instead of restoring a backup")
	return cmd
}

// auditRollback records a rollback in the migration log only: the database
// it would be recorded in is the one being replaced.
func auditRollback(f *Factory, command string, opts rollbackOptions, res *rollbackResult, err *error) func() {
	run := f.startRun(command, opts.dryRun)
	return func() {
		if res.Backup != "" {
			id := res.Backup
			run.run.BackupID = &id
		}
		if res.SafetyBackup != "" {
			run.log = run.log.With("safety_backup", res.SafetyBackup)
		}
		run.finish(nil, *err)
	}
}

func runRollback(ctx context.Context, f *Factory, opts rollbackOptions) (err error) {
	var res rollbackResult
	defer auditRollback(f, "rollback", opts, &res, &err)()
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	db, err := f.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ropts := backup.RestoreOptions{Dir: cfg.BackupDir(), Ref: opts.ref, Config: opts.configFiles,
		LockTimeout: cfg.LockTimeout(), Log: logLines{f.Logger()}}
	plan, err := backup.PlanRestore(ctx, db, ropts)
	if err != nil {
		return err
	}
	res = rollbackResult{Database: db.Target.Redacted(), Mode: "backup", DryRun: opts.dryRun, Backup: plan.Backup.ID, Plan: &plan}
	if opts.dryRun {
		return writeRollback(f, res, opts)
	}
	if opts.output != output.JSON && !f.Global.Quiet {
		writeRestorePlan(f.IO.ErrOut, plan, opts)
	}
	if err := f.confirm(fmt.Sprintf("replace %s with backup %s", db.Target.Redacted(), plan.Backup.ID)); err != nil {
		return err
	}
	var safety *backup.Options
	if !opts.noSafety {
		safety = f.safetyBackupOptions(cfg)
		if opts.configFiles {
			safety.EnvFile, safety.ConfigDirs = cfg.EnvFile, existingDirs(plan.Backup.ConfigDirs)
		}
	}
	rb, err := migration.Restore(ctx, db, plan, ropts, migration.RollbackOptions{Safety: safety,
		Write: database.WriteOptions{LockTimeout: cfg.LockTimeout()}, Logger: f.Logger()})
	res.SafetyBackup = rb.SafetyBackup
	if err != nil {
		return err
	}
	res.Changed = true
	f.Logger().Info("rollback complete", "database", res.Database, "backup", res.Backup,
		"safety_backup", res.SafetyBackup, "config", opts.configFiles)
	return writeRollback(f, res, opts)
}

func existingDirs(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

func runRollbackSchema(ctx context.Context, f *Factory, opts rollbackOptions) (err error) {
	var res rollbackResult
	defer auditRollback(f, "rollback --schema-only", opts, &res, &err)()
	db, err := f.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	p := cfg.Target()
	dropped, preview, err := migration.PreviewSchemaRollback(ctx, db, p)
	if err != nil {
		return err
	}
	res = rollbackResult{Database: db.Target.Redacted(), Mode: "schema-only", DryRun: opts.dryRun, TablesDropped: dropped}
	for _, s := range preview {
		res.TablesKept, res.UsersRemoved = append(res.TablesKept, s.Kept...), res.UsersRemoved+s.RowsRemoved
	}
	if opts.dryRun || len(dropped) == 0 {
		return writeRollback(f, res, opts)
	}
	if opts.output != output.JSON && !f.Global.Quiet {
		writeSchemaPlan(f.IO.ErrOut, res, opts)
	}
	if err := f.confirm(fmt.Sprintf("drop the dhmig schema on %s (%s, with every row in them)",
		db.Target.Redacted(), strings.Join(dropped, ", "))); err != nil {
		return err
	}
	var safety *backup.Options
	if !opts.noSafety {
		safety = f.safetyBackupOptions(cfg)
	}
	rb, err := migration.RollbackSchema(ctx, db, migration.RollbackOptions{Safety: safety, Target: p,
		Write: database.WriteOptions{LockTimeout: cfg.LockTimeout()}, Logger: f.Logger()})
	res.SafetyBackup, res.SchemaSteps = rb.SafetyBackup, rb.Steps
	for _, s := range res.SchemaSteps {
		f.Logger().Info("schema down", "version", s.Version, "name", s.Name, "duration_ms", s.DurationMS)
	}
	if err != nil {
		return err
	}
	res.Changed = true
	f.Logger().Info("rollback complete", "database", res.Database, "mode", res.Mode, "safety_backup", res.SafetyBackup)
	return writeRollback(f, res, opts)
}

func writeRestorePlan(w io.Writer, p backup.Plan, opts rollbackOptions) {
	m := p.Backup
	age := time.Since(m.CreatedAt).Round(time.Second)
	fmt.Fprintf(w, "Rollback plan for %s\n", p.Database)
	fmt.Fprintf(w, "  backup:          %s (%s, %s ago, %s, %s)\n", m.ID, m.CreatedAt.UTC().Format(time.RFC3339), age, m.Reason, m.Database.Format)
	fmt.Fprintf(w, "  verified:        %d checks passed\n", len(p.Verified.Checks))
	fmt.Fprintf(w, "  replaces:        the whole database: every table and row becomes the backup's\n")
	fmt.Fprintf(w, "  tables now:      %s\n", listOrNone(p.CurrentTables))
	fmt.Fprintf(w, "  tables after:    %s\n", listOrNone(m.Database.Tables))
	if len(p.TablesDropped) > 0 {
		fmt.Fprintf(w, "  dropped:         %s (not in the backup)\n", strings.Join(p.TablesDropped, ", "))
	}
	if len(p.TablesRecreated) > 0 {
		fmt.Fprintf(w, "  recreated:       %s\n", strings.Join(p.TablesRecreated, ", "))
	}
	for _, t := range backup.CountedTables() {
		now, okNow := p.CurrentRowCounts[t]
		then, okThen := m.RowCounts[t]
		if okNow || okThen {
			fmt.Fprintf(w, "  %-16s %s now → %s after\n", t+":", rowsOrAbsent(now, okNow), rowsOrAbsent(then, okThen))
		}
	}
	if opts.configFiles {
		fmt.Fprintf(w, "  config files:    %s\n", listOrNone(p.ConfigFiles))
	}
	if opts.noSafety {
		fmt.Fprintf(w, "  safety backup:   none (--no-safety-backup)\n")
	} else {
		fmt.Fprintf(w, "  safety backup:   the current state is backed up first\n")
	}
}

func writeSchemaPlan(w io.Writer, res rollbackResult, opts rollbackOptions) {
	fmt.Fprintf(w, "Schema-only rollback plan for %s\n", res.Database)
	fmt.Fprintf(w, "  drops:           %s (with every row in them)\n", listOrNone(res.TablesDropped))
	if len(res.TablesKept) > 0 {
		fmt.Fprintf(w, "  keeps:           %s (adopted, not created by dhmig; only the %d users dhmig migrated are deleted)\n",
			strings.Join(res.TablesKept, ", "), res.UsersRemoved)
	}
	fmt.Fprintf(w, "  untouched:       legacy_users and every other table\n")
	if opts.noSafety {
		fmt.Fprintf(w, "  safety backup:   none (--no-safety-backup)\n")
	} else {
		fmt.Fprintf(w, "  safety backup:   the current state is backed up first\n")
	}
}

func writeRollback(f *Factory, res rollbackResult, opts rollbackOptions) error {
	if opts.output == output.JSON {
		return output.WriteJSON(f.IO.Out, res)
	}
	w := f.IO.Out
	switch {
	case res.DryRun && res.Mode == "backup":
		writeRestorePlan(w, *res.Plan, opts)
		_, err := fmt.Fprintln(w, "dry run: nothing was changed")
		return err
	case res.DryRun || len(res.TablesDropped) == 0 && res.Mode == "schema-only":
		if len(res.TablesDropped) == 0 {
			_, err := fmt.Fprintf(w, "nothing to roll back: no dhmig schema on %s\n", res.Database)
			return err
		}
		writeSchemaPlan(w, res, opts)
		_, err := fmt.Fprintln(w, "dry run: nothing was changed")
		return err
	}
	if res.SafetyBackup != "" {
		if _, err := fmt.Fprintf(w, "safety backup: %s\n", res.SafetyBackup); err != nil {
			return err
		}
	}
	var err error
	if res.Mode == "backup" {
		_, err = fmt.Fprintf(w, "rolled back %s to backup %s\n", res.Database, res.Backup)
	} else {
		_, err = fmt.Fprintf(w, "dropped %s from %s; legacy_users untouched\n", strings.Join(res.TablesDropped, ", "), res.Database)
		if err == nil && len(res.TablesKept) > 0 {
			_, err = fmt.Fprintf(w, "kept the adopted %s; deleted the %d users dhmig had migrated into it\n", strings.Join(res.TablesKept, ", "), res.UsersRemoved)
		}
	}
	return err
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "(none)"
	}
	return strings.Join(l, ", ")
}

func rowsOrAbsent(n int64, ok bool) string {
	if !ok {
		return "absent"
	}
	return fmt.Sprintf("%d rows", n)
}
