package database

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// SetLoadDefaults on PostgreSQL: ALTER COLUMN … SET DEFAULT with the value
// in its text form (as the driver sends it), quoted by the server
// (quote_literal) and typed by the column; restore sets back the
// expression the catalog held (pg_get_expr), or drops the default when
// there was none.
func (d postgresDialect) SetLoadDefaults(ctx context.Context, tx *sqlx.Tx, table string, values []Shared) (func(context.Context) error, error) {
	qt := d.QuoteIdent(table)
	var restores []string
	for _, v := range values {
		c := v.Column
		var had bool
		var expr, lit string
		if err := tx.QueryRowxContext(ctx, `
			SELECT d.adbin IS NOT NULL, COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), quote_literal($3::text)
			FROM pg_attribute a
			JOIN pg_class t ON t.oid = a.attrelid
			JOIN pg_namespace n ON n.oid = t.relnamespace
			LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE n.nspname = current_schema() AND t.relname = $1 AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
			table, c, v.Value).Scan(&had, &expr, &lit); err != nil {
			return nil, fmt.Errorf("read the default of %s.%s: %w", table, c, err)
		}
		alter := `ALTER TABLE ` + qt + ` ALTER COLUMN ` + d.QuoteIdent(c)
		if _, err := tx.ExecContext(ctx, alter+` SET DEFAULT `+lit); err != nil {
			return nil, fmt.Errorf("set the load default of %s.%s: %w", table, c, err)
		}
		undo := alter + ` DROP DEFAULT`
		if had {
			undo = alter + ` SET DEFAULT ` + expr
		}
		restores = append(restores, undo)
	}
	return func(ctx context.Context) error {
		for _, undo := range restores {
			if _, err := tx.ExecContext(ctx, undo); err != nil {
				return fmt.Errorf("restore a default of %s: %w", table, err)
			}
		}
		return nil
	}, nil
}
