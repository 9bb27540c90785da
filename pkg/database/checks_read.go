package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ReadPass is CheckSQL's method; see its documentation there.

// pgReadSettings are set for the pass only (SET LOCAL / set_config(…,
// true)), so they end with the transaction. work_mem: the parity join hashes
// every mapping and user, and at the default 4MB it spills to disk. jit:
// compiling the parity query costs more than it saves for a query that
// runs once. max_parallel_workers_per_gather is left to the server, also
// when readers run side by side: fewer workers made verify slower
// (docs/performance.md has the figures).
var pgReadSettings = [][2]string{{"work_mem", "256MB"}, {"jit", "off"}}

func (postgresDialect) ReadPass(ctx context.Context, q sqlx.QueryerContext) (sqlx.QueryerContext, func() error, error) {
	if b, ok := q.(Beginner); ok {
		tx, err := pgBeginRead(ctx, b, "")
		if err != nil {
			return nil, nil, err
		}
		// Read-only: there is nothing to commit.
		return tx, tx.Rollback, nil
	}
	// The caller's transaction (migrate verifies inside its own): tune it
	// for the pass and put the settings back afterwards.
	old := make([][2]string, len(pgReadSettings))
	for i, s := range pgReadSettings {
		old[i][0] = s[0]
		if err := sqlx.GetContext(ctx, q, &old[i][1], `SELECT current_setting($1)`, s[0]); err != nil {
			return nil, nil, fmt.Errorf("read setting %s: %w", s[0], err)
		}
	}
	if err := pgSetLocal(ctx, q, pgReadSettings); err != nil {
		return nil, nil, err
	}
	return q, func() error { return pgSetLocal(context.WithoutCancel(ctx), q, old) }, nil
}

// pgReadOnly begins a read pass's transaction: read-only and REPEATABLE
// READ, so that all its statements read one snapshot.
var pgReadOnly = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// errBeginRead marks a read transaction that could not begin at all (no
// connection to be had), as opposed to one that began and then failed.
var errBeginRead = errors.New("begin read-only transaction")

// pgBeginRead begins a read pass's transaction on pool (pgReadOnly): with a
// snapshot id it reads that exported snapshot instead of taking its own;
// then it takes pgReadSettings. On failure nothing stays open.
func pgBeginRead(ctx context.Context, pool Beginner, snapshot string) (*sqlx.Tx, error) {
	tx, err := pool.BeginTxx(ctx, pgReadOnly)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBeginRead, err)
	}
	if snapshot != "" {
		// Only as the transaction's first statement, before any query.
		if _, err := tx.ExecContext(ctx, `SET TRANSACTION SNAPSHOT `+pq.QuoteLiteral(snapshot)); err != nil {
			_ = tx.Rollback()
			return nil, fmt.Errorf("import snapshot %s: %w", snapshot, err)
		}
	}
	if err := pgSetLocal(ctx, tx, pgReadSettings); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}

func pgSetLocal(ctx context.Context, q sqlx.QueryerContext, settings [][2]string) error {
	for _, s := range settings {
		var v string
		if err := sqlx.GetContext(ctx, q, &v, `SELECT set_config($1, $2, true)`, s[0], s[1]); err != nil {
			return fmt.Errorf("set %s for the read: %w", s[0], err)
		}
	}
	return nil
}

// sqliteReadMmap is the memory map SQLite uses during a read pass: scans and
// index lookups then read pages in place instead of copying each one through
// a read() call into the 2 MB page cache (a scan of 1M users: 0.2 s -> 0.1 s;
// the parity join's lookups gain more). The map holds file pages the OS
// caches anyway; SQLite caps it at its compile-time limit (2 GB here).
const sqliteReadMmap = 1 << 30

func (sqliteDialect) ReadPass(ctx context.Context, q sqlx.QueryerContext) (sqlx.QueryerContext, func() error, error) {
	var old int64
	if err := sqlx.GetContext(ctx, q, &old, `PRAGMA mmap_size`); err != nil {
		return nil, nil, fmt.Errorf("read mmap_size: %w", err)
	}
	if old >= sqliteReadMmap {
		return q, func() error { return nil }, nil
	}
	var set int64
	if err := sqlx.GetContext(ctx, q, &set, fmt.Sprintf(`PRAGMA mmap_size = %d`, int64(sqliteReadMmap))); err != nil {
		return nil, nil, fmt.Errorf("set mmap_size: %w", err)
	}
	return q, func() error {
		var v int64
		return sqlx.GetContext(context.WithoutCancel(ctx), q, &v, fmt.Sprintf(`PRAGMA mmap_size = %d`, old))
	}, nil
}
