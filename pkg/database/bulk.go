package database

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Bulk is how a dialect moves many rows fast inside one transaction: a
// rewindable cursor that streams a query in batches, a batch inserter, and
// deferred index builds for loads into an empty table. The user copy uses it
// so that nothing outside this package knows COPY from a prepared INSERT.
type Bulk interface {
	// OpenCursor declares query on tx. The cursor reads one consistent set
	// of rows however often it is walked (PostgreSQL: a SCROLL cursor with
	// its own snapshot; SQLite: the write transaction keeps other writers
	// out). Close it before the transaction ends.
	OpenCursor(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (Cursor, error)
	// OpenSiblingCursor opens a cursor that reads query on another
	// connection of pool, in a read-only transaction that sees exactly what
	// tx sees at this moment (PostgreSQL: tx's exported snapshot), so the
	// database reads on one backend while tx writes on another: the cursor
	// may be walked while tx is in use. The query must not need what tx has
	// written, and tx must not be inside a savepoint. The query is planned
	// for its first rows: an ORDER BY an indexed column reads the index
	// instead of sorting first. Close it before tx ends. SQLite has one
	// connection: errors.ErrUnsupported.
	OpenSiblingCursor(ctx context.Context, tx *sqlx.Tx, pool Beginner, query string, args ...any) (Cursor, error)
	// NewInserter prepares batch inserts of columns into table (names
	// already validated). raw, when not nil, is the connection tx runs on:
	// PostgreSQL then writes COPY data to it directly. shared are columns
	// every row gets the same value in, which the rows do not carry: SQLite
	// binds each once per statement, PostgreSQL appends its COPY text to
	// every row.
	NewInserter(ctx context.Context, tx *sqlx.Tx, raw RawConn, table string, columns []string, shared []Shared) (Inserter, error)
	// SuspendIndexes drops table's secondary indexes, its unique constraints
	// and its foreign keys — with primaryKey its primary key too, for keys
	// that arrive in no useful order — and returns a function that re-creates
	// each with its original name and definition, so a load into an empty
	// table builds them once at the end. Both calls happen in tx; a failed
	// rebuild (say, a duplicate) fails the transaction. SQLite can only drop
	// the indexes it has SQL for: the ones behind UNIQUE and PRIMARY KEY
	// stay, and so do foreign keys, which are part of its tables.
	SuspendIndexes(ctx context.Context, tx *sqlx.Tx, table string, primaryKey bool) (restore func(context.Context) error, err error)
	// SetLoadDefaults makes each column's default, for the rest of tx,
	// the value given for it, so that a load can leave those columns out
	// altogether (the server then parses each value once, not once a row);
	// restore puts the defaults as they were. Only for a table tx already
	// holds exclusively (SuspendIndexes took it): changing a default locks
	// the table. SQLite cannot change a default: errors.ErrUnsupported.
	SetLoadDefaults(ctx context.Context, tx *sqlx.Tx, table string, values []Shared) (restore func(context.Context) error, err error)
	// IsConstraintError reports whether err is a constraint violation
	// (unique, primary key, foreign key, check, not null): what a write that
	// collides with existing rows raises. On PostgreSQL it leaves the
	// transaction aborted until a ROLLBACK TO SAVEPOINT.
	IsConstraintError(err error) bool
	// BulkTimestamp is Timestamp in the form an Inserter writes fastest:
	// the same instant, already text.
	BulkTimestamp(t time.Time) any
}

// appendTimestamp appends t in UTC as SQLiteTime formats it, at a fraction
// of time.Format's cost, then zone; ok is false for years outside 1–9999,
// left to the slow path. A million rows carry a few million timestamps.
func appendTimestamp(b []byte, t time.Time, zone string) (_ []byte, ok bool) {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 1 || y > 9999 {
		return b, false
	}
	h, mi, s := t.Clock()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, ' ')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	if us := t.Nanosecond() / 1000; us > 0 {
		var frac [7]byte
		frac[0] = '.'
		for i := 6; i >= 1; i-- {
			frac[i] = byte('0' + us%10)
			us /= 10
		}
		b = append(b, frac[:]...)
	}
	return append(b, zone...), true
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// Cursor walks a query's rows in batches.
type Cursor interface {
	// Each walks every row from the first: row is called for each row while
	// the batch is being read (it must not use the transaction), flush after
	// each batch of at most batch rows, when the transaction is free for
	// writes.
	Each(ctx context.Context, batch int, row func(*sqlx.Rows) error, flush func() error) error
	// Close releases the cursor.
	Close(ctx context.Context) error
}

// Shared is a column to which every row of a load gives the same value,
// as a driver value (what a row would carry for it).
type Shared struct {
	Column string
	Value  any
}

// insertColumns quotes an insert's columns, the rows' own and then the
// shared ones, and returns the shared values in that order.
func insertColumns(quote func(string) string, columns []string, shared []Shared) (quoted []string, values []any) {
	quoted = make([]string, 0, len(columns)+len(shared))
	for _, c := range columns {
		quoted = append(quoted, quote(c))
	}
	for _, s := range shared {
		quoted = append(quoted, quote(s.Column))
		values = append(values, s.Value)
	}
	return quoted, values
}

// Inserter writes rows to one table, each row a value per column in the
// order given to NewInserter. An Insert that fails may have written part of
// its rows (SQLite inserts with OR FAIL, PostgreSQL aborts the
// transaction): the caller rolls back, to a savepoint or the whole
// transaction.
type Inserter interface {
	Insert(ctx context.Context, rows [][]any) error
	Close() error
}

// Preparer is an Inserter that can do a batch's client-side work ahead of
// writing it, on another goroutine: PostgreSQL's, given a raw connection,
// writes the batch's COPY text, so the connection only has to send it.
type Preparer interface {
	// Prepare writes rows into dst[:0] in the form InsertPrepared takes;
	// ok is false when it cannot (then Insert the rows). It touches no
	// connection and may run while another batch is being inserted.
	Prepare(dst []byte, rows [][]any) (data []byte, ok bool)
	// InsertPrepared writes what Prepare made.
	InsertPrepared(ctx context.Context, data []byte) error
}

// queryCursor runs its query once per walk and streams the rows; end, when
// set, ends the transaction it reads in.
type queryCursor struct {
	tx    *sqlx.Tx
	query string
	args  []any
	end   func() error
}

func (c *queryCursor) Each(ctx context.Context, batch int, row func(*sqlx.Rows) error, flush func() error) error {
	rows, err := c.tx.QueryxContext(ctx, c.query, c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
		if n++; n == batch {
			n = 0
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n > 0 {
		return flush()
	}
	return nil
}

func (c *queryCursor) Close(context.Context) error {
	if c.end == nil {
		return nil
	}
	end := c.end
	c.end = nil
	return end()
}
