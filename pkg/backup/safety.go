package backup

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Safety backs up the current state of db before a rollback replaces it:
// a backup like any other, recorded with ReasonSafety, which `latest`
// never picks for a restore.
func Safety(ctx context.Context, db *database.DB, o Options) (Manifest, error) {
	o.Reason = ReasonSafety
	m, err := Create(ctx, db, o)
	if err != nil {
		return m, fmt.Errorf("safety backup (skip with --no-safety-backup): backup of %s: %w", db.Target.Redacted(), err)
	}
	return m, nil
}

// Summary is what a log line says about a backup just written in dir.
func (m Manifest) Summary(dir string) []any {
	attrs := []any{"id", m.ID, "database", m.Database.Display, "format", m.Database.Format, "bytes", m.Size(),
		"path", filepath.Join(dir, m.ID)}
	for _, t := range CountedTables() {
		if n, ok := m.RowCounts[t]; ok {
			attrs = append(attrs, t, n)
		}
	}
	return attrs
}
