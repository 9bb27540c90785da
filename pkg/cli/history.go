package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// NewHistoryCmd lists the audit trail of writing runs.
func NewHistoryCmd(f *Factory) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List the audit trail of writing runs (dhmig_runs), newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			if limit < 0 {
				return usageErrorf("--limit must be 0 (all) or more")
			}
			db, err := f.OpenDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			runs, err := audit.List(cmd.Context(), db, db.Dialect, limit)
			if err != nil {
				return err
			}
			if format == output.JSON {
				return output.WriteJSON(f.IO.Out, map[string]any{"runs": runs})
			}
			if len(runs) == 0 {
				_, err := fmt.Fprintln(f.IO.Out, "no runs recorded (dhmig_runs is empty or the schema is not applied)")
				return err
			}
			rows := make([][]string, 0, len(runs))
			for _, r := range runs {
				dur, backupID := "-", "-"
				if r.FinishedAt != nil {
					dur = r.FinishedAt.Sub(r.StartedAt).Round(1e6).String()
				}
				if r.BackupID != nil {
					backupID = *r.BackupID
				}
				rows = append(rows, []string{r.StartedAt.Format("2006-01-02 15:04:05Z"), r.Command, string(r.Outcome),
					strconv.FormatBool(r.DryRun), strconv.FormatInt(r.RowsMigrated, 10), strconv.FormatInt(r.RowsRejected, 10),
					dur, backupID, r.OSUser, r.ID})
			}
			return output.WriteTable(f.IO.Out, []string{"STARTED", "COMMAND", "OUTCOME", "DRY RUN", "MIGRATED", "REJECTED", "DURATION", "BACKUP", "USER", "RUN ID"}, rows)
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "how many runs to show (0 = all)")
	return cmd
}
