package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/spf13/cobra"
)

// backupListEntry is one row of `dhmig backup list -o json`.
type backupListEntry struct {
	backup.Entry
	AgeSeconds int64 `json:"age_seconds"`
}

type backupListResult struct {
	Dir     string            `json:"dir"`
	Backups []backupListEntry `json:"backups"`
}

func newBackupListCmd(f *Factory) *cobra.Command {
	var verify bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List backups, newest first (id, age, kind, size, status)",
		Long: `List the backups in the backup directory, newest first. The status is a quick
check of the manifest and file sizes (complete, damaged, unreadable, or
incomplete for a backup that never finished); with
--verify every checksum is recomputed and the status is verified or corrupt.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			return runBackupList(cmd.Context(), f, format, verify)
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "recompute every checksum (slower)")
	return cmd
}

func runBackupList(ctx context.Context, f *Factory, format output.Format, verify bool) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	list, err := backup.List(cfg.BackupDir())
	if err != nil {
		return err
	}
	now := time.Now()
	res := backupListResult{Dir: cfg.BackupDir(), Backups: []backupListEntry{}}
	for _, e := range list {
		if verify && e.Manifest != nil {
			_, err := backup.Verify(ctx, cfg.BackupDir(), e.ID, "")
			switch {
			case err == nil:
				e.Status, e.Detail = "verified", ""
			case errors.Is(err, backup.ErrCorrupt):
				e.Status, e.Detail = "corrupt", err.Error()
			default:
				return err
			}
		}
		res.Backups = append(res.Backups, backupListEntry{Entry: e, AgeSeconds: int64(now.Sub(e.CreatedAt).Seconds())})
	}
	if format == output.JSON {
		return output.WriteJSON(f.IO.Out, res)
	}
	if len(res.Backups) == 0 {
		_, err := fmt.Fprintf(f.IO.Out, "no backups in %s (dhmig backup makes one)\n", res.Dir)
		return err
	}
	rows := make([][]string, 0, len(res.Backups))
	for _, e := range res.Backups {
		rows = append(rows, []string{e.ID, backupAge(time.Duration(e.AgeSeconds) * time.Second), e.Kind,
			backupSize(e.Size), e.Status, e.Reason, e.Identity})
	}
	return output.WriteTable(f.IO.Out, []string{"ID", "AGE", "KIND", "SIZE", "STATUS", "REASON", "DATABASE"}, rows)
}

func backupAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

func backupSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
