package usermigrate

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// adoptedObjects is where schema up records the tables it found in place
// (pkg/schema.AdoptedTable).
const adoptedObjects = "dhmig_adopted_objects"

// tableAdopted reports whether dhmig adopted table instead of creating it:
// the copy then never drops its indexes or changes its defaults, even for
// the length of a transaction.
func tableAdopted(ctx context.Context, d database.Core, q sqlx.QueryerContext, table string) (bool, error) {
	if ok, err := database.TableExists(ctx, d, q, adoptedObjects); err != nil || !ok {
		return false, err
	}
	var n int
	query := sqlx.Rebind(sqlx.BindType(d.DriverName()), `SELECT COUNT(*) FROM `+adoptedObjects+` WHERE name = ? AND kind = 'table'`)
	if err := q.QueryRowxContext(ctx, query, table).Scan(&n); err != nil {
		return false, fmt.Errorf("read %s: %w", adoptedObjects, err)
	}
	return n > 0, nil
}
