package schema

import (
	"fmt"
	"io"
	"strings"
)

// Print writes the SQL an operator can run by hand to apply (or, with down,
// revert) the whole schema, including the history rows that let dhmig see
// the result as applied.
func (m *Migrator) Print(w io.Writer, down bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "-- dhmig auth schema for %s (%s). Run in one transaction.\n", m.dialect.Kind(), map[bool]string{false: "apply", true: "revert"}[down])
	b.WriteString("BEGIN;\n\n")
	if !down {
		b.WriteString("-- history of applied versions, read by `dhmig schema status`\n")
		b.WriteString(strings.TrimSpace(m.historyDDL) + "\n\n")
		for _, mig := range m.migrations {
			fmt.Fprintf(&b, "-- %s (sha256 %s)\n%s\n", mig.UpFile, mig.Checksum, strings.TrimSpace(mig.Up))
			fmt.Fprintf(&b, "INSERT INTO %s (version, name, checksum, applied_at, duration_ms) VALUES (%d, '%s', '%s', CURRENT_TIMESTAMP, 0);\n\n",
				HistoryTable, mig.Version, mig.Name, mig.Checksum)
		}
	} else {
		fmt.Fprintf(&b, "-- This drops every table below, including any listed in %s: on a database\n", AdoptedTable)
		b.WriteString("-- where dhmig adopted existing tables, use `dhmig schema down`, which keeps them.\n\n")
		for i := len(m.migrations) - 1; i >= 0; i-- {
			mig := m.migrations[i]
			fmt.Fprintf(&b, "-- %s\n%s\n", mig.DownFile, strings.TrimSpace(mig.Down))
			fmt.Fprintf(&b, "DELETE FROM %s WHERE version = %d;\n\n", HistoryTable, mig.Version)
		}
		fmt.Fprintf(&b, "DROP TABLE IF EXISTS %s;\n", AdoptedTable)
		fmt.Fprintf(&b, "DROP TABLE IF EXISTS %s;\n\n", HistoryTable)
	}
	b.WriteString("COMMIT;\n")
	_, err := io.WriteString(w, b.String())
	return err
}
