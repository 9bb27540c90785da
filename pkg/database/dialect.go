package database

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Executor is what schema, user migration and integrity checks run on: a
// transaction or a connection pool, never one they open themselves.
type Executor interface {
	sqlx.ExtContext
}

// Column describes one column of a table as the database reports it.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	NotNull  bool   `json:"not_null"`
	Default  string `json:"default,omitempty"`
	Primary  bool   `json:"primary_key"`
	Position int    `json:"position"`
}

// Index describes one index of a table.
type Index struct {
	Name    string   `json:"name"`
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
}

// ForeignKey describes one foreign key constraint.
type ForeignKey struct {
	Table      string `json:"table"`
	Column     string `json:"column"`
	RefTable   string `json:"ref_table"`
	RefColumn  string `json:"ref_column"`
	OnDelete   string `json:"on_delete"`
	Constraint string `json:"constraint,omitempty"`
}

// Dialect owns everything that differs between SQLite and PostgreSQL. It is
// the sum of the roles below; a consumer asks for the one it uses (doc.go
// says what a new engine implements).
type Dialect interface {
	Core
	// Bulk writes: the user copy's loader (bulk.go).
	Bulk
	CheckSQL
	Reader
	// AppValues: values spelled as a target's application writes them
	// (app_values.go).
	AppValues
}

// Core is what every user of a database needs: its kind, quoting, value
// encodings, introspection, and its part in the single-writer lock.
type Core interface {
	// Kind names the engine; it is for display and file selection
	// (sql/<kind>/), never for branching outside this package.
	Kind() Kind
	// DriverName is the database/sql driver the dialect uses.
	DriverName() string
	// QuoteIdent quotes an already validated identifier.
	QuoteIdent(name string) string

	// ServerVersion reports the engine's version string.
	ServerVersion(ctx context.Context, q sqlx.QueryerContext) (string, error)
	// Tables lists the user tables of the current schema, sorted.
	Tables(ctx context.Context, q sqlx.QueryerContext) ([]string, error)
	// Columns lists a table's columns in order; none when it does not exist.
	Columns(ctx context.Context, q sqlx.QueryerContext, table string) ([]Column, error)
	// Indexes lists the named indexes of a table, including unique ones.
	Indexes(ctx context.Context, q sqlx.QueryerContext, table string) ([]Index, error)
	// ForeignKeys lists the foreign keys declared on a table.
	ForeignKeys(ctx context.Context, q sqlx.QueryerContext, table string) ([]ForeignKey, error)

	// MixedTypes reports whether a column holds values of more than one
	// kind whose text forms can coincide (SQLite's loose typing: the
	// integer 10, the text '10' and the blob x'3130' in one column), so
	// that ordering by the column does not bring equal texts together.
	MixedTypes(ctx context.Context, q sqlx.QueryerContext, table, col string) (bool, error)

	// Timestamp encodes a time for a timestamp column: UTC text for SQLite,
	// a time.Time for PostgreSQL.
	Timestamp(t time.Time) any
	// Roles encodes a role list for auth_users.roles.
	Roles(roles []string) any
	// Bool encodes a boolean (0/1 on SQLite).
	Bool(b bool) any

	// writeLocker is the single-writer lock (write.go): only engines of
	// this package can take part in a write session.
	writeLocker
}

// Reader is how dhmig reads without writing: a source database's snapshot
// and the large read passes of verify and metrics, with the readers sized
// to the pool.
type Reader interface {
	// BeginSnapshot begins a read-only transaction on db, opened with
	// OpenOptions.ReadOnly, whose statements all read one snapshot
	// (snapshot.go): how a source database (--source-url) is read.
	BeginSnapshot(ctx context.Context, db *sqlx.DB) (*sqlx.Tx, error)

	// ReadPass prepares q for one large read-only pass (verify's checks,
	// the metrics' counts) and returns the executor to run the pass on and
	// a function that ends it; call end exactly once, also after an error.
	// q is a connection pool or the caller's own transaction. ReadPass never
	// writes and never takes a lock. PostgreSQL reads a pool inside one
	// read-only REPEATABLE READ transaction (one consistent snapshot), and
	// either way with more work_mem for its hash joins and without JIT
	// compilation, for the pass only. SQLite memory-maps the file for the
	// pass and never begins a transaction (its transactions begin IMMEDIATE
	// and would take the write lock).
	ReadPass(ctx context.Context, q sqlx.QueryerContext) (pass sqlx.QueryerContext, end func() error, err error)
	// ConcurrentReadPass is ReadPass for up to n readers that run at the
	// same time: it returns between one and n executors, each to be used by
	// one goroutine, that all read the same data, and a function that ends
	// them all (call it exactly once, also after an error). Only a
	// connection pool that may open more than one connection gets more than
	// one reader, each on a connection of its own. PostgreSQL's are
	// read-only REPEATABLE READ transactions, the first exporting its
	// snapshot and the others importing it, each with ReadPass's settings:
	// they read the same data. SQLite's are memory-mapped connections
	// without a transaction, where each statement reads its own snapshot,
	// as in ReadPass. With the caller's own transaction, or when the server
	// cannot export a snapshot or open another connection, it returns the
	// one executor ReadPass would.
	ConcurrentReadPass(ctx context.Context, q sqlx.QueryerContext, n int) (passes []sqlx.QueryerContext, end func() error, err error)
}

// TableExists reports whether a table exists, through the dialect's
// introspection.
func TableExists(ctx context.Context, d Core, q sqlx.QueryerContext, table string) (bool, error) {
	cols, err := d.Columns(ctx, q, table)
	return len(cols) > 0, err
}
