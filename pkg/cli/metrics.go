package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/internal/atomicfile"
	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/metrics"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// textfileMode lets node_exporter, which usually runs as its own user, read
// the file; it holds counts only, no personal data or secrets.
const textfileMode = 0o644

type metricsOptions struct {
	sourceTable string
	textfile    string
	log         bool

	// Set by RunE from the flags above and the root's; logPath is the
	// migration log --log appends to.
	output  output.Format
	logPath string
	config  func() (*config.Config, error)
}

// NewMetricsCmd prints the counts an operator watches after cutover. runF,
// when not nil, runs instead of the counts with the options the flags
// built.
func NewMetricsCmd(f *Factory, runF func(*metricsOptions) error) *cobra.Command {
	o := &metricsOptions{config: f.Config}
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Count users, roles, temporary passwords, legacy rows and refresh tokens",
		Long: `Count what an operator watches after cutover: the guide's total_users,
active_users, locked_accounts and unverified_users, users by status and by
role, users who must reset a temporary password, legacy versus migrated rows,
and refresh tokens by state. Read-only.

--textfile writes the Prometheus format atomically (temporary file, then
rename; mode 0644 so node_exporter can read it) for node_exporter's textfile
collector; stdout then stays empty unless -o is given. --log appends one JSON
line to the migration log (--log-file or MIGRATION_LOG).`,
		Example: `  dhmig metrics
  dhmig metrics -o json
  dhmig metrics --textfile /var/lib/node_exporter/textfile/dhmig.prom
  dhmig metrics --log --log-file migration.log`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.output, err = f.Format(output.Table, output.JSON, output.Prometheus); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
			}
			if o.log {
				cfg, err := o.config()
				if err != nil {
					return err
				}
				if o.logPath = cfg.LogFile(); o.logPath == "" {
					return usageErrorf("--log needs a migration log: set --log-file or MIGRATION_LOG")
				}
			}
			if runF != nil {
				return runF(o)
			}
			return runMetrics(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.sourceTable, "source-table", "legacy_users", "legacy table to count")
	fl.StringVar(&o.textfile, "textfile", "", "also write the Prometheus format to this file, atomically (name it *.prom)")
	fl.BoolVar(&o.log, "log", false, "append the metrics as one JSON line to the migration log")
	return cmd
}

func runMetrics(ctx context.Context, f *Factory, o *metricsOptions) error {
	// The scan of auth_users gets a connection of its own.
	db, src, done, err := f.openForReading(ctx, metrics.MaxReaders)
	if err != nil {
		return err
	}
	defer done()
	cfg, err := o.config()
	if err != nil {
		return err
	}
	snap, err := metrics.Collect(ctx, db, db.Dialect, metrics.Options{SourceTable: o.sourceTable, Source: src, Target: cfg.Target()})
	if err != nil {
		return err
	}
	if o.textfile != "" {
		if err := writeTextfile(o.textfile, snap); err != nil {
			return err
		}
		f.Logger().Info("wrote metrics textfile", "path", o.textfile)
	}
	if o.logPath != "" {
		if err := appendMetricsLog(o.logPath, snap); err != nil {
			return err
		}
	}
	if o.textfile != "" && f.Global.Output == "" {
		return nil
	}
	return writeMetrics(f.IO.Out, o.output, snap)
}

// validate checks the flags before metrics connects.
func (o *metricsOptions) validate() error {
	if err := identFlag("--source-table", o.sourceTable); err != nil {
		return err
	}
	if o.textfile == "" {
		return nil
	}
	if !strings.HasSuffix(o.textfile, ".prom") {
		return usageErrorf("--textfile %s: node_exporter's textfile collector only reads files ending in .prom", o.textfile)
	}
	return outputFileFlag("--textfile", o.textfile)
}

// writeTextfile replaces path atomically: node_exporter never reads a half
// written file, because the new content appears by rename.
func writeTextfile(path string, snap metrics.Snapshot) error {
	if !strings.HasSuffix(path, ".prom") {
		return usageErrorf("--textfile %s: node_exporter's textfile collector only reads files ending in .prom", path)
	}
	var buf bytes.Buffer
	if err := writeMetricsPrometheus(&buf, snap); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, buf.Bytes(), textfileMode); err != nil {
		return fmt.Errorf("metrics textfile: %w", err)
	}
	return nil
}

// appendMetricsLog adds one JSON line, as the guide's monitor_auth_metrics
// logs "Auth metrics: {...}", in the migration log's slog JSON shape.
func appendMetricsLog(path string, snap metrics.Snapshot) error {
	fh, err := openLogFile(path)
	if err != nil {
		return fmt.Errorf("migration log: %w", err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("auth metrics", "command", "metrics", "metrics", snap)
	_, werr := fh.Write(buf.Bytes()) // one write: one whole line even beside another appender
	cerr := fh.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("migration log %s: %w", path, err)
	}
	return nil
}

// metricsTime is when a snapshot was taken, for the table's footer.
func metricsTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }
