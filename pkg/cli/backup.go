package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

type backupOptions struct {
	configDirs []string
	format     string // the dump's
	keep       int

	// Set by RunE from the root's flags.
	output output.Format
	config func() (*config.Config, error)
}

// backupResult is the JSON shape of `dhmig backup -o json`.
type backupResult struct {
	ID       string          `json:"id"`
	Path     string          `json:"path"`
	Manifest backup.Manifest `json:"manifest"`
	Pruned   []string        `json:"pruned"`
}

// NewBackupCmd takes a consistent, checksummed backup; its subcommands list
// and verify backups. runF, when not nil, runs instead of the backup with
// the options the flags built.
func NewBackupCmd(f *Factory, runF func(*backupOptions) error) *cobra.Command {
	opts := backupOptions{config: f.Config}
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Back up the database, config dirs and .env into a checksummed backup directory",
		Long: `Take a consistent copy of the database while it stays in use: SQLite's online
backup API (checked with PRAGMA integrity_check), or pg_dump on PostgreSQL
(custom format; --format plain for a .sql file). The config directories given
with --config-dir and the .env file in use are copied too. Everything lands in
one directory under the backup directory, named by a sortable UTC id, with a
manifest.json of checksums; directories are 0700 and files 0600.

Prints the backup id on stdout, so a script can keep it:
  id=$(dhmig backup --keep 10)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.output, err = f.Format(output.Table, output.JSON); err != nil {
				return err
			}
			if opts.format != backup.FormatCustom && opts.format != backup.FormatPlain {
				return usageErrorf("--format must be custom or plain, not %q", opts.format)
			}
			if opts.keep < 0 {
				return usageErrorf("--keep must be 0 (keep everything) or more")
			}
			for _, d := range opts.configDirs {
				if st, err := os.Stat(d); err != nil || !st.IsDir() {
					return usageErrorf("--config-dir %s is not a directory", d)
				}
			}
			if runF != nil {
				return runF(&opts)
			}
			return runBackup(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.configDirs, "config-dir", nil, "config directory to include (repeatable)")
	cmd.Flags().StringVar(&opts.format, "format", backup.FormatCustom, "PostgreSQL dump format: custom or plain (.sql); SQLite backups are always a database file")
	cmd.Flags().IntVar(&opts.keep, "keep", 0, "after the backup, keep only the newest N backups of this database (0 keeps all)")
	cmd.AddCommand(newBackupListCmd(f), newBackupVerifyCmd(f))
	return cmd
}

func runBackup(ctx context.Context, f *Factory, opts backupOptions) error {
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	db, err := f.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	src, err := f.sourceInfo(ctx, db.Target, "", usermigrate.Columns{})
	if err != nil {
		return err
	}
	m, err := takeBackup(ctx, f, db, backup.Options{Format: opts.format, ConfigDirs: opts.configDirs, EnvFile: cfg.EnvFile, Source: src})
	if err != nil {
		return err
	}
	res := backupResult{ID: m.ID, Path: filepath.Join(cfg.BackupDir(), m.ID), Manifest: m, Pruned: []string{}}
	if opts.keep > 0 {
		res.Pruned, err = backup.Prune(cfg.BackupDir(), opts.keep, m.Database.Identity, m.ID)
		for _, id := range res.Pruned {
			f.Logger().Info("pruned backup", "id", id)
		}
		if err != nil {
			return err
		}
	}
	if opts.output == output.JSON {
		return output.WriteJSON(f.IO.Out, res)
	}
	_, err = fmt.Fprintln(f.IO.Out, m.ID)
	return err
}

// sourceInfo describes the legacy rows of the source database for a
// manifest (--source-url), or nil when the legacy table is in target. A
// source without the table is recorded with no rows and no checksum.
func (f *Factory) sourceInfo(ctx context.Context, target database.Target, table string, cols usermigrate.Columns) (*backup.SourceInfo, error) {
	snap, closeSource, err := f.sourceSnapshot(ctx, target)
	if err != nil || snap == nil {
		return nil, err
	}
	defer closeSource()
	return fingerprint(ctx, f, snap, table, cols), nil
}

// fingerprint reads the source's legacy rows for the record; a table that
// cannot be read is logged and recorded without rows or checksum.
func fingerprint(ctx context.Context, f *Factory, snap *database.Snapshot, table string, cols usermigrate.Columns) *backup.SourceInfo {
	fp, err := usermigrate.TakeFingerprint(ctx, snap, table, cols)
	if err != nil {
		f.Logger().Warn("source database: no checksum of its legacy rows", "source", snap.Target.Redacted(), "error", err.Error())
		fp = usermigrate.Fingerprint{Kind: snap.Target.Kind, Identity: snap.Target.Identity(), Display: snap.Target.Redacted(), Table: table}
	}
	return &backup.SourceInfo{Kind: fp.Kind, Identity: fp.Identity, Display: fp.Display, Table: fp.Table, Rows: fp.Rows, SHA256: fp.SHA256}
}

// takeBackup writes a backup of db into the configured backup directory
// and logs it; rollback uses it for its safety backup.
func takeBackup(ctx context.Context, f *Factory, db *database.DB, o backup.Options) (backup.Manifest, error) {
	cfg, err := f.Config()
	if err != nil {
		return backup.Manifest{}, err
	}
	o.Dir, o.Version = cfg.BackupDir(), f.Build.Version
	o.Log = logLines{f.Logger()}
	o.Progress = func(total int64, label string) backup.Progress { return f.Progress(total, label) }
	f.Logger().Debug("backing up", "database", db.Target.Redacted(), "dir", o.Dir)
	m, err := backup.Create(ctx, db, o)
	if err != nil {
		return m, fmt.Errorf("backup of %s: %w", db.Target.Redacted(), err)
	}
	f.Logger().Info("backup written", m.Summary(o.Dir)...)
	return m, nil
}

// safetyBackupOptions are the backup options of a rollback's safety
// backup: the configured directory, logged as every backup is.
func (f *Factory) safetyBackupOptions(cfg *config.Config) *backup.Options {
	return &backup.Options{Dir: cfg.BackupDir(), Version: f.Build.Version, Log: logLines{f.Logger()},
		Progress: func(total int64, label string) backup.Progress { return f.Progress(total, label) }}
}

// logLines turns a package's notes (an io.Writer) into log lines.
type logLines struct{ l *slog.Logger }

func (w logLines) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(bytes.TrimSpace(p)), "\n"), "\n") {
		if line != "" {
			w.l.Info(line)
		}
	}
	return len(p), nil
}

var _ io.Writer = logLines{}
