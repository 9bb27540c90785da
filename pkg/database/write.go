package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// WriteOptions tune how a write begins.
type WriteOptions struct {
	// LockTimeout is how long to wait for another writer before giving up
	// with ErrLockHeld (--lock-timeout; default 15s).
	LockTimeout time.Duration
}

func (o *WriteOptions) defaults() {
	if o.LockTimeout <= 0 {
		o.LockTimeout = 15 * time.Second
	}
}

// writeLocker is an engine's side of the single-writer lock. PostgreSQL
// holds an advisory lock on the session's connection; SQLite's lock is the
// write transaction itself (BEGIN IMMEDIATE), which waits for another
// writer as long as the connection's busy timeout.
type writeLocker interface {
	// lockConn prepares conn for a writer that waits up to timeout and
	// takes whatever lock outlives a transaction; unlock undoes both and
	// is safe to call more than once.
	lockConn(ctx context.Context, conn *sqlx.Conn, timeout time.Duration) (unlock func(), err error)
	// lockInTx reports whether the lock lives in the write transaction
	// only (then nothing holds it between transactions).
	lockInTx() bool
	// isBusy reports whether err means another writer held the database
	// past the timeout.
	isBusy(err error) bool
}

// lockHeld is the error every engine gives for a lock it waited for in
// vain; cause, when set, is the engine's own.
func lockHeld(timeout time.Duration, cause error) error {
	if cause != nil {
		return fmt.Errorf("%w (waited %s, --lock-timeout): %v", ErrLockHeld, timeout, cause)
	}
	return fmt.Errorf("%w (waited %s, --lock-timeout)", ErrLockHeld, timeout)
}

// WriteSession is the one way into a write done in one transaction: it
// holds the single-writer lock, the connection the transaction runs on and
// the transaction. A second writer waits up to WriteOptions.LockTimeout
// and then gets ErrLockHeld. Close it when done; it rolls back what was not
// committed.
type WriteSession struct {
	db      *DB
	conn    *sqlx.Conn
	tx      *sqlx.Tx
	unlock  func()
	timeout time.Duration
	once    sync.Once
}

// BeginWrite takes the single-writer lock and begins the write
// transaction on a connection of its own.
func BeginWrite(ctx context.Context, db *DB, o WriteOptions) (*WriteSession, error) {
	o.defaults()
	conn, err := db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("write connection: %w", err)
	}
	unlock, err := db.Dialect.lockConn(ctx, conn, o.LockTimeout)
	if err != nil {
		conn.Close()
		return nil, err
	}
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		unlock()
		conn.Close()
		if db.Dialect.isBusy(err) {
			return nil, lockHeld(o.LockTimeout, err)
		}
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	return &WriteSession{db: db, conn: conn, tx: tx, unlock: unlock, timeout: o.LockTimeout}, nil
}

// Tx is the session's transaction.
func (s *WriteSession) Tx() *sqlx.Tx { return s.tx }

// Dialect speaks to the session's database.
func (s *WriteSession) Dialect() Dialect { return s.db.Dialect }

// Raw is the connection the transaction runs on, for writers that talk to
// the driver directly while it is open (PostgreSQL's COPY).
func (s *WriteSession) Raw() RawConn { return s.conn }

// Pool is where a reader beside the transaction takes its connection
// (Bulk.OpenSiblingCursor).
func (s *WriteSession) Pool() Beginner { return s.db }

// Commit commits the transaction; a database still busy with another
// writer when the timeout ran out is ErrLockHeld.
func (s *WriteSession) Commit() error {
	if err := s.tx.Commit(); err != nil {
		if s.db.Dialect.isBusy(err) {
			return lockHeld(s.timeout, err)
		}
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rollback rolls the transaction back; after a commit it does nothing.
func (s *WriteSession) Rollback() error {
	if err := s.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

// Close rolls back what was not committed, releases the lock and hands the
// connection back. It is safe to call more than once.
func (s *WriteSession) Close() error {
	var err error
	s.once.Do(func() {
		err = s.Rollback()
		s.unlock()
		if cerr := s.conn.Close(); err == nil {
			err = cerr
		}
	})
	return err
}

// WithWriteLock runs fn holding the single-writer lock, for a write done
// in several transactions (schema versions one by one, a restore, the
// letters): fn begins them on db. PostgreSQL holds the lock until fn
// returns. SQLite has no lock that outlives a transaction: another writer
// must be gone within the timeout for fn to start, and each of fn's
// transactions begins IMMEDIATE under the busy timeout. Either way a
// database busy with another writer is ErrLockHeld.
func WithWriteLock(ctx context.Context, db *DB, o WriteOptions, fn func() error) error {
	o.defaults()
	conn, err := db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("write connection: %w", err)
	}
	defer conn.Close()
	unlock, err := db.Dialect.lockConn(ctx, conn, o.LockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	if db.Dialect.lockInTx() {
		tx, err := conn.BeginTxx(ctx, nil)
		if err != nil {
			if db.Dialect.isBusy(err) {
				return lockHeld(o.LockTimeout, err)
			}
			return fmt.Errorf("begin transaction: %w", err)
		}
		if err := tx.Rollback(); err != nil {
			return err
		}
		// SQLite's pool has one connection: fn needs it.
		unlock()
		if err := conn.Close(); err != nil {
			return err
		}
	}
	err = fn()
	if err != nil && db.Dialect.isBusy(err) {
		return lockHeld(o.LockTimeout, err)
	}
	return err
}
