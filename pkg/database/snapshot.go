package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Snapshot is a consistent, read-only view of a database that dhmig reads
// but never writes: the legacy table's database when it is not the target
// (--source-url). Every statement on Tx sees the same rows, however long
// the run, and nothing is locked against the application's writers beyond
// what a plain read holds. Close it as soon as the reading is done.
type Snapshot struct {
	Tx      *sqlx.Tx
	Dialect Dialect
	Target  Target
}

// Snapshot begins a read-only snapshot of db, which must have been opened
// with OpenOptions.ReadOnly (a SQLite pool otherwise begins IMMEDIATE and
// would take the write lock).
func (db *DB) Snapshot(ctx context.Context) (*Snapshot, error) {
	tx, err := db.Dialect.BeginSnapshot(ctx, db.DB)
	if err != nil {
		return nil, fmt.Errorf("begin a read snapshot of %s: %w", db.Target.Redacted(), err)
	}
	return &Snapshot{Tx: tx, Dialect: db.Dialect, Target: db.Target}, nil
}

// Close ends the snapshot; there is nothing to commit.
func (s *Snapshot) Close() error {
	if err := s.Tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

// BeginSnapshot on PostgreSQL begins a read-only REPEATABLE READ
// transaction (pgReadOnly, whose statements all read the snapshot the first
// one took) and takes the snapshot at once: the moment the run started.
func (postgresDialect) BeginSnapshot(ctx context.Context, db *sqlx.DB) (*sqlx.Tx, error) {
	tx, err := db.BeginTxx(ctx, pgReadOnly)
	if err != nil {
		return nil, err
	}
	var one int
	if err := tx.QueryRowxContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// BeginSnapshot on SQLite begins a deferred transaction (the read-only
// pool's BEGIN) and reads once, which starts its read: from then on it sees
// one state of the file (in WAL mode while writers go on; in rollback-journal
// mode it holds the shared lock a reader holds, until Close).
func (sqliteDialect) BeginSnapshot(ctx context.Context, db *sqlx.DB) (*sqlx.Tx, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := tx.QueryRowxContext(ctx, `SELECT COUNT(*) FROM sqlite_master`).Scan(&n); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}
