package database

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
)

// sqliteInsertRows is how many rows one multi-row INSERT carries: enough to
// amortise the cgo call, well under SQLite's 32766 bound variables.
const sqliteInsertRows = 200

// OpenCursor on SQLite re-runs the query for each walk: inside the write
// transaction no other writer can change the rows, and SQLite lets one
// connection write to other tables while a read is open.
func (sqliteDialect) OpenCursor(_ context.Context, tx *sqlx.Tx, query string, args ...any) (Cursor, error) {
	return &queryCursor{tx: tx, query: query, args: args}, nil
}

// OpenSiblingCursor on SQLite: dhmig holds one connection, the writer.
func (sqliteDialect) OpenSiblingCursor(context.Context, *sqlx.Tx, Beginner, string, ...any) (Cursor, error) {
	return nil, errors.ErrUnsupported
}

// sqliteInserter writes with INSERT OR FAIL: a failing statement keeps the
// rows it wrote before the failure instead of undoing them, so SQLite needs
// no statement journal, which every multi-row INSERT otherwise fills with
// the pages it touches (the callers roll back on any error). OR FAIL leaves
// the foreign key's journal only (dhmig_user_map).
type sqliteInserter struct {
	one, many *sqlx.Stmt
	shared    []any
	args      []any
}

// NewInserter on SQLite prepares a one-row and a sqliteInsertRows-row
// INSERT. Shared values are bound once per statement: the multi-row one
// numbers its parameters, every row's tuple naming the same last ones.
func (d sqliteDialect) NewInserter(ctx context.Context, tx *sqlx.Tx, _ RawConn, table string, columns []string, shared []Shared) (Inserter, error) {
	quoted, values := insertColumns(d.QuoteIdent, columns, shared)
	head := `INSERT OR FAIL INTO ` + d.QuoteIdent(table) + ` (` + strings.Join(quoted, ", ") + `) VALUES `
	one, err := tx.PreparexContext(ctx, head+`(`+strings.TrimSuffix(strings.Repeat("?, ", len(quoted)), ", ")+`)`)
	if err != nil {
		return nil, fmt.Errorf("prepare insert into %s: %w", table, err)
	}
	perRow := len(columns)
	tuples := make([]string, sqliteInsertRows)
	marks := make([]string, len(quoted))
	for r := range tuples {
		for i := range marks {
			n := r*perRow + i + 1 // the row's own values
			if i >= perRow {
				n = sqliteInsertRows*perRow + i - perRow + 1 // the shared ones, after every row's
			}
			marks[i] = "?" + strconv.Itoa(n)
		}
		tuples[r] = `(` + strings.Join(marks, ", ") + `)`
	}
	many, err := tx.PreparexContext(ctx, head+strings.Join(tuples, ", "))
	if err != nil {
		one.Close()
		return nil, fmt.Errorf("prepare insert into %s: %w", table, err)
	}
	return &sqliteInserter{one: one, many: many, shared: values, args: make([]any, 0, sqliteInsertRows*perRow+len(values))}, nil
}

func (in *sqliteInserter) Insert(ctx context.Context, rows [][]any) error {
	for len(rows) >= sqliteInsertRows {
		in.args = in.args[:0]
		for _, r := range rows[:sqliteInsertRows] {
			in.args = append(in.args, r...)
		}
		if err := runInsert(ctx, in.many, append(in.args, in.shared...)); err != nil {
			return err
		}
		rows = rows[sqliteInsertRows:]
	}
	for _, r := range rows {
		in.args = append(append(in.args[:0], r...), in.shared...)
		if err := runInsert(ctx, in.one, in.args); err != nil {
			return err
		}
	}
	clear(in.args[:cap(in.args)])
	return nil
}

// runInsert runs an INSERT through Query, not Exec: go-sqlite3 binds a
// query's arguments and takes its first step in one cgo call (the values
// copied once into a C buffer), where Exec makes a call per argument. A
// 1M-row copy binds some 17 million values. The INSERT returns no rows;
// walking them makes sure it ran to its end whatever the driver does
// eagerly.
func runInsert(ctx context.Context, stmt *sqlx.Stmt, args []any) error {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}

func (in *sqliteInserter) Close() error {
	err := in.many.Close()
	if e := in.one.Close(); err == nil {
		err = e
	}
	return err
}

// SuspendIndexes on SQLite drops the named indexes (those with SQL in
// sqlite_master) and re-runs their CREATE statements afterwards. Indexes
// SQLite makes for UNIQUE and PRIMARY KEY constraints cannot be dropped and
// stay (primaryKey changes nothing); foreign keys are part of the table and
// stay too.
func (d sqliteDialect) SuspendIndexes(ctx context.Context, tx *sqlx.Tx, table string, _ bool) (func(context.Context) error, error) {
	var idx []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	if err := sqlx.SelectContext(ctx, tx, &idx,
		`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, table); err != nil {
		return nil, fmt.Errorf("list indexes of %s: %w", table, err)
	}
	for _, ix := range idx {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+d.QuoteIdent(ix.Name)); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", ix.Name, err)
		}
	}
	return func(ctx context.Context) error {
		for _, ix := range idx {
			if _, err := tx.ExecContext(ctx, ix.SQL); err != nil {
				return fmt.Errorf("re-create index %s: %w", ix.Name, err)
			}
		}
		return nil
	}, nil
}

// SetLoadDefaults on SQLite: ALTER TABLE cannot change a default.
func (sqliteDialect) SetLoadDefaults(context.Context, *sqlx.Tx, string, []Shared) (func(context.Context) error, error) {
	return nil, errors.ErrUnsupported
}

// IsConstraintError on SQLite: SQLITE_CONSTRAINT in any of its forms.
func (sqliteDialect) IsConstraintError(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrConstraint
}

// BulkTimestamp on SQLite is Timestamp, made without time.Format.
func (d sqliteDialect) BulkTimestamp(t time.Time) any {
	if b, ok := appendTimestamp(make([]byte, 0, 32), t, ""); ok {
		return string(b)
	}
	return d.Timestamp(t)
}
