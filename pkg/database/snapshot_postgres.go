package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Beginner is a connection pool that can open a transaction (*sqlx.DB and
// *DB).
type Beginner interface {
	BeginTxx(ctx context.Context, opts *sql.TxOptions) (*sqlx.Tx, error)
}

// ErrNoSibling says a sibling read could not begin while the transaction
// it was to share a snapshot with is intact: read on that transaction.
var ErrNoSibling = errors.New("no sibling read")

// pgSiblingRead opens a read-only transaction on another connection of pool
// that reads exactly what tx reads at this moment: tx exports its snapshot
// (pg_export_snapshot) and the new transaction imports it (pgBeginRead, as
// verify's concurrent readers do). The import only works while tx is open,
// and tx must not be inside a savepoint. What tx itself has written stays
// invisible to the sibling. An error wrapping ErrNoSibling leaves tx as it
// was; any other leaves it aborted.
func pgSiblingRead(ctx context.Context, tx *sqlx.Tx, pool Beginner) (*sqlx.Tx, error) {
	// A pool with no connection to spare would make the sibling wait for
	// ever for the one tx holds.
	if spareConns(pool, 1) < 1 {
		return nil, fmt.Errorf("%w: the pool has no connection to spare", ErrNoSibling)
	}
	var id string
	if err := tx.QueryRowxContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		return nil, fmt.Errorf("export snapshot: %w", err)
	}
	sib, err := pgBeginRead(ctx, pool, id)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSibling, err)
	}
	return sib, nil
}
