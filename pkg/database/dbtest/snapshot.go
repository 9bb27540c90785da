package dbtest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Snapshot reads every table of the current schema into table name →
// its rows rendered as text and sorted, so tests can compare contents.
func Snapshot(t testing.TB, db *database.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	tables, err := db.Dialect.Tables(ctx, db)
	if err != nil {
		t.Fatalf("snapshot: list tables: %v", err)
	}
	out := make(map[string][]string, len(tables))
	for _, table := range tables {
		rows, err := db.QueryxContext(ctx, `SELECT * FROM `+db.Dialect.QuoteIdent(table))
		if err != nil {
			t.Fatalf("snapshot: read %s: %v", table, err)
		}
		lines := []string{}
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				rows.Close()
				t.Fatalf("snapshot: scan %s: %v", table, err)
			}
			cells := make([]string, len(vals))
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				cells[i] = fmt.Sprint(v)
			}
			lines = append(lines, strings.Join(cells, "|"))
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("snapshot: %s: %v", table, err)
		}
		rows.Close()
		sort.Strings(lines)
		out[table] = lines
	}
	return out
}
