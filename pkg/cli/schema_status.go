package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

func newSchemaStatusCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show each schema version: applied, pending or drifted (exit 3 on drift)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := f.OpenDB(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := f.Profile()
			if err != nil {
				return err
			}
			m, err := schema.NewFor(db.Dialect, p)
			if err != nil {
				return err
			}
			st, err := m.Status(ctx, db)
			if err != nil {
				return err
			}
			if format == output.JSON {
				err = output.WriteJSON(f.IO.Out, st)
			} else {
				err = writeSchemaStatus(f, st)
			}
			if err != nil {
				return err
			}
			if st.Drift {
				return reported(fmt.Errorf("%w: schema drift: an applied version differs from dhmig's file", integrity.ErrVerifyFailed))
			}
			return nil
		},
	}
}

func writeSchemaStatus(f *Factory, st schema.Status) error {
	rows := make([][]string, 0, len(st.Versions))
	for _, v := range st.Versions {
		applied := "-"
		if v.AppliedAt != nil {
			applied = v.AppliedAt.Format("2006-01-02 15:04:05Z")
		}
		rows = append(rows, []string{fmt.Sprintf("%04d", v.Version), v.Name, v.State, applied, v.Checksum[:min(12, len(v.Checksum))]})
	}
	if err := output.WriteTable(f.IO.Out, []string{"VERSION", "NAME", "STATE", "APPLIED AT", "CHECKSUM"}, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(f.IO.Out, "%s: version %04d of %04d, %d pending\n", st.Dialect, st.Current, st.Latest, st.Pending)
	return err
}
