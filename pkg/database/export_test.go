package database

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// SharedSnapshotPass is PostgreSQL's ConcurrentReadPass, with beforeImport
// run after the first reader exports its snapshot and before the others
// import it.
func SharedSnapshotPass(ctx context.Context, q sqlx.QueryerContext, n int, beforeImport func()) ([]sqlx.QueryerContext, func() error, error) {
	return postgresDialect{}.sharedSnapshotPass(ctx, q, n, beforeImport)
}
