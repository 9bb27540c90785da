package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

func newBackupVerifyCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "verify ID|latest",
		Short: "Recompute a backup's checksums and read its database copy; exit 5 on any mismatch",
		Long: `Recompute the size and sha256 of every file in the backup and read the
database copy: PRAGMA integrity_check for SQLite, pg_restore --list for a
PostgreSQL custom archive (a plain .sql is checked by checksum only).
"latest" is the newest backup of the configured database. Exits 5 when the
backup is missing or anything does not match.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			return runBackupVerify(cmd.Context(), f, format, args[0])
		},
	}
}

func runBackupVerify(ctx context.Context, f *Factory, format output.Format, ref string) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	identity := ""
	if ref == backup.Latest {
		t, err := f.Target()
		if err != nil {
			return err
		}
		identity = t.Identity()
	}
	res, verr := backup.Verify(ctx, cfg.BackupDir(), ref, identity)
	if verr != nil && len(res.Checks) == 0 {
		return verr
	}
	if format == output.JSON {
		if err := output.WriteJSON(f.IO.Out, res); err != nil {
			return err
		}
	} else {
		rows := make([][]string, 0, len(res.Checks))
		for _, c := range res.Checks {
			rows = append(rows, []string{c.Name, c.Status, c.Detail})
		}
		if err := output.WriteTable(f.IO.Out, []string{"CHECK", "STATUS", "DETAIL"}, rows); err != nil {
			return err
		}
		verdict := "ok: the backup matches its manifest"
		if !res.OK {
			verdict = "FAILED: do not restore from this backup"
		}
		if _, err := fmt.Fprintf(f.IO.Out, "backup %s: %s\n", res.ID, verdict); err != nil {
			return err
		}
	}
	return reported(verr)
}
