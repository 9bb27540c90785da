package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

// ConcurrentReadPass is CheckSQL's method; see its documentation there.

func (d postgresDialect) ConcurrentReadPass(ctx context.Context, q sqlx.QueryerContext, n int) ([]sqlx.QueryerContext, func() error, error) {
	return d.sharedSnapshotPass(ctx, q, n, nil)
}

// sharedSnapshotPass begins up to n read transactions on one snapshot: the
// first exports it (pg_export_snapshot), the others import it while the
// first is still open. beforeImport, when set (tests), runs between the
// export and the imports.
func (d postgresDialect) sharedSnapshotPass(ctx context.Context, q sqlx.QueryerContext, n int,
	beforeImport func()) ([]sqlx.QueryerContext, func() error, error) {
	pool, ok := q.(Beginner)
	if n = spareConns(q, n); !ok || n < 2 {
		return onePass(d.ReadPass(ctx, q))
	}
	first, err := pgBeginRead(ctx, pool, "")
	if err != nil {
		return nil, nil, err
	}
	var snapshot string
	if err := sqlx.GetContext(ctx, first, &snapshot, `SELECT pg_export_snapshot()`); err != nil {
		_ = first.Rollback()
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("export the read snapshot: %w", err)
		}
		// A server may refuse (a managed service that revoked EXECUTE on
		// the function): read on one connection, as ReadPass does.
		return onePass(d.ReadPass(ctx, q))
	}
	txs := []*sqlx.Tx{first}
	end := func() error {
		var errs []error
		// Importers first; the exporter, whose snapshot they hold, last.
		for _, tx := range slices.Backward(txs) {
			errs = append(errs, tx.Rollback())
		}
		return errors.Join(errs...)
	}
	if beforeImport != nil {
		beforeImport()
	}
	for len(txs) < n {
		tx, err := pgBeginRead(ctx, pool, snapshot)
		if errors.Is(err, errBeginRead) && ctx.Err() == nil {
			// No connection to spare (max_connections, a pooler's limit):
			// fewer readers, on the same snapshot.
			break
		}
		if err != nil {
			_ = end()
			return nil, nil, err
		}
		txs = append(txs, tx)
	}
	passes := make([]sqlx.QueryerContext, len(txs))
	for i, tx := range txs {
		passes[i] = tx
	}
	return passes, end, nil
}

// spareConns caps n at the connections q's pool may still open: with
// SetMaxOpenConns(1) a second transaction would wait for ever for the first.
func spareConns(q any, n int) int {
	if p, ok := q.(interface{ Stats() sql.DBStats }); ok {
		if s := p.Stats(); s.MaxOpenConnections > 0 {
			return min(n, s.MaxOpenConnections-s.InUse)
		}
	}
	return n
}

// connPool is a connection pool that hands out dedicated connections
// (*sqlx.DB and *DB).
type connPool interface {
	Connx(ctx context.Context) (*sqlx.Conn, error)
}

// SQLite's readers are connections of their own, each memory-mapped as
// ReadPass does. They share no snapshot: no transaction is begun (dhmig's
// SQLite transactions begin IMMEDIATE and would take the write lock), so
// each statement reads its own, as in ReadPass.
func (d sqliteDialect) ConcurrentReadPass(ctx context.Context, q sqlx.QueryerContext, n int) ([]sqlx.QueryerContext, func() error, error) {
	pool, ok := q.(connPool)
	if n = spareConns(q, n); !ok || n < 2 {
		return onePass(d.ReadPass(ctx, q))
	}
	var passes []sqlx.QueryerContext
	var ends []func() error
	end := func() error {
		var errs []error
		for _, e := range ends {
			errs = append(errs, e())
		}
		return errors.Join(errs...)
	}
	for len(passes) < n {
		c, err := pool.Connx(ctx)
		if err != nil {
			if len(passes) > 0 && ctx.Err() == nil {
				break // fewer readers
			}
			_ = end()
			return nil, nil, fmt.Errorf("open a read connection: %w", err)
		}
		pass, endPass, err := d.ReadPass(ctx, c)
		if err != nil {
			_ = c.Close()
			_ = end()
			return nil, nil, err
		}
		passes = append(passes, pass)
		ends = append(ends, func() error { return errors.Join(endPass(), c.Close()) })
	}
	return passes, end, nil
}

func onePass(pass sqlx.QueryerContext, end func() error, err error) ([]sqlx.QueryerContext, func() error, error) {
	if err != nil {
		return nil, nil, err
	}
	return []sqlx.QueryerContext{pass}, end, nil
}
