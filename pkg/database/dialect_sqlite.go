package database

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
)

// SQLite timestamps are UTC text without a zone, as Python's sqlite3 and
// SQLAlchemy write them: whole seconds, or exactly six fractional digits.
// SQLAlchemy reads the digits after the dot as a count of microseconds, so
// fewer than six (.5) would load as the wrong time.
const (
	SQLiteTimeFormat       = "2006-01-02 15:04:05"
	SQLiteTimeFormatMicros = "2006-01-02 15:04:05.000000"
)

type sqliteDialect struct{}

var _ Dialect = sqliteDialect{}

func (sqliteDialect) Kind() Kind         { return SQLite }
func (sqliteDialect) DriverName() string { return "sqlite3" }

func (sqliteDialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func (sqliteDialect) ServerVersion(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	var v string
	err := sqlx.GetContext(ctx, q, &v, `SELECT sqlite_version()`)
	return v, err
}

func (sqliteDialect) Tables(ctx context.Context, q sqlx.QueryerContext) ([]string, error) {
	var names []string
	err := sqlx.SelectContext(ctx, q, &names,
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	return names, err
}

func (sqliteDialect) Columns(ctx context.Context, q sqlx.QueryerContext, table string) ([]Column, error) {
	rows, err := q.QueryxContext(ctx,
		`SELECT cid, name, type, "notnull", COALESCE(dflt_value, ''), pk FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var c Column
		var pk int
		if err := rows.Scan(&c.Position, &c.Name, &c.Type, &c.NotNull, &c.Default, &pk); err != nil {
			return nil, err
		}
		c.Primary = pk > 0
		c.Position++
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

func (sqliteDialect) Indexes(ctx context.Context, q sqlx.QueryerContext, table string) ([]Index, error) {
	var list []struct {
		Name   string `db:"name"`
		Unique bool   `db:"unique"`
	}
	if err := sqlx.SelectContext(ctx, q, &list,
		`SELECT name, "unique" FROM pragma_index_list(?) ORDER BY name`, table); err != nil {
		return nil, err
	}
	out := make([]Index, 0, len(list))
	for _, ix := range list {
		var cols []string
		if err := sqlx.SelectContext(ctx, q, &cols,
			`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix.Name); err != nil {
			return nil, err
		}
		out = append(out, Index{Name: ix.Name, Table: table, Columns: cols, Unique: ix.Unique})
	}
	return out, nil
}

func (sqliteDialect) ForeignKeys(ctx context.Context, q sqlx.QueryerContext, table string) ([]ForeignKey, error) {
	rows, err := q.QueryxContext(ctx,
		`SELECT "table", "from", COALESCE("to", ''), on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fks []ForeignKey
	for rows.Next() {
		fk := ForeignKey{Table: table}
		if err := rows.Scan(&fk.RefTable, &fk.Column, &fk.RefColumn, &fk.OnDelete); err != nil {
			return nil, err
		}
		fks = append(fks, fk)
	}
	return fks, rows.Err()
}

// MixedTypes compares the storage classes of the column's least and
// greatest values: SQLite orders numbers before text before blobs, so the
// two differ exactly when more than one class is present (integers and
// reals count as one: their texts never coincide). With an index on the
// column each end is one lookup.
func (d sqliteDialect) MixedTypes(ctx context.Context, q sqlx.QueryerContext, table, col string) (bool, error) {
	c, t := d.QuoteIdent(col), d.QuoteIdent(table)
	class := func(end string) string {
		return `replace(typeof((SELECT ` + end + `(` + c + `) FROM ` + t + `)), 'real', 'integer')`
	}
	var mixed bool
	err := q.QueryRowxContext(ctx, `SELECT `+class("min")+` <> `+class("max")).Scan(&mixed)
	return mixed, err
}

func (sqliteDialect) Timestamp(t time.Time) any { return SQLiteTime(t) }

// SQLiteTime formats t as SQLite timestamps are stored; Go's formatting
// truncates to the microsecond.
func SQLiteTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() < 1000 {
		return t.Format(SQLiteTimeFormat)
	}
	return t.Format(SQLiteTimeFormatMicros)
}

// SQLiteTimeTextOK reports whether s is stored in a form the application's
// stack reads back exactly: SQLiteTimeFormat or SQLiteTimeFormatMicros,
// digit for digit, naming a real date and time. dhmig_time_ok is its SQL
// form (time.Parse alone would admit any number of fractional digits).
func SQLiteTimeTextOK(s string) bool {
	layout := SQLiteTimeFormat
	if len(s) == len(SQLiteTimeFormatMicros) {
		layout = SQLiteTimeFormatMicros
	}
	if len(s) != len(layout) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isDigit(layout[i]) != isDigit(s[i]) || !isDigit(s[i]) && s[i] != layout[i] {
			return false
		}
	}
	t, err := time.Parse(layout, s)
	return err == nil && t.Year() >= 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (sqliteDialect) Roles(roles []string) any {
	if roles == nil {
		roles = []string{}
	}
	b, _ := json.Marshal(roles)
	return string(b)
}

func (sqliteDialect) Bool(b bool) any {
	if b {
		return 1
	}
	return 0
}

// lockConn on SQLite makes conn's writer wait up to timeout for another
// one: the lock itself is the IMMEDIATE write transaction the pool begins
// (sqliteDSN's _txlock), which a killed holder's exit releases.
func (sqliteDialect) lockConn(ctx context.Context, conn *sqlx.Conn, timeout time.Duration) (func(), error) {
	var was int64
	if err := conn.GetContext(ctx, &was, `PRAGMA busy_timeout`); err != nil {
		return nil, fmt.Errorf("busy timeout: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, timeout.Milliseconds())); err != nil {
		return nil, fmt.Errorf("busy timeout: %w", err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_, _ = conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA busy_timeout = %d`, was))
		})
	}, nil
}

// lockInTx: SQLite locks the file for a write transaction only.
func (sqliteDialect) lockInTx() bool { return true }

// isBusy: SQLITE_BUSY (or LOCKED) once the busy timeout ran out.
func (sqliteDialect) isBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}
