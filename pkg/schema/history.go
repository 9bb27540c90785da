package schema

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// HistoryTable records every applied version.
const HistoryTable = "dhmig_schema_migrations"

// AppliedVersion is one row of the history table.
type AppliedVersion struct {
	Version    int       `db:"version"`
	Name       string    `db:"name"`
	Checksum   string    `db:"checksum"`
	AppliedAt  time.Time `db:"applied_at"`
	DurationMS int64     `db:"duration_ms"`
}

func (m *Migrator) historyExists(ctx context.Context, q sqlx.QueryerContext) (bool, error) {
	return database.TableExists(ctx, m.dialect, q, HistoryTable)
}

// applied reads the history; no table means nothing applied.
func (m *Migrator) applied(ctx context.Context, q sqlx.QueryerContext) (map[int]AppliedVersion, error) {
	out := map[int]AppliedVersion{}
	ok, err := m.historyExists(ctx, q)
	if err != nil || !ok {
		return out, err
	}
	var rows []AppliedVersion
	if err := sqlx.SelectContext(ctx, q, &rows,
		`SELECT version, name, checksum, applied_at, duration_ms FROM `+HistoryTable+` ORDER BY version`); err != nil {
		return nil, fmt.Errorf("read %s: %w", HistoryTable, err)
	}
	for _, r := range rows {
		out[r.Version] = r
	}
	return out, nil
}

func (m *Migrator) record(ctx context.Context, ex database.Executor, mig Migration, at time.Time, d time.Duration) error {
	_, err := ex.ExecContext(ctx, ex.Rebind(`INSERT INTO `+HistoryTable+
		` (version, name, checksum, applied_at, duration_ms) VALUES (?, ?, ?, ?, ?)`),
		mig.Version, mig.Name, mig.Checksum, m.dialect.Timestamp(at), d.Milliseconds())
	if err != nil {
		return fmt.Errorf("record version %04d in %s: %w", mig.Version, HistoryTable, err)
	}
	return nil
}

func (m *Migrator) forget(ctx context.Context, ex database.Executor, version int) error {
	_, err := ex.ExecContext(ctx, ex.Rebind(`DELETE FROM `+HistoryTable+` WHERE version = ?`), version)
	if err != nil {
		return fmt.Errorf("remove version %04d from %s: %w", version, HistoryTable, err)
	}
	return nil
}
