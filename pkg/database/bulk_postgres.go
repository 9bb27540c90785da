package database

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

var pgCursorSeq atomic.Int64

type pgCursor struct {
	tx   *sqlx.Tx
	name string
}

// pgStreamSettings are a sibling stream's: its rows feed a pipeline (the
// copy writes each batch as it arrives), so what counts is how soon the
// first rows come, not the total cost of the read. With an index on the
// ORDER BY column, reading in index order streams from the first row; a
// sort holds every row back until the whole table is read and sorted. The
// planner chooses the sort when the table has no statistics (autovacuum
// off, or a freshly restored database), and the writer waits for it
// (docs/performance.md). With statistics and ids in
// table order the planner reads the index anyway, as it does for a cursor
// (OpenCursor). enable_sort = off only penalises sorting: without a usable
// index the rows are still sorted.
var pgStreamSettings = [][2]string{{"enable_sort", "off"}}

// OpenCursor on PostgreSQL declares a SCROLL cursor: it keeps one snapshot
// for every walk, and fetching in batches leaves the connection free for
// COPY between them (lib/pq cannot write while a result is streaming).
func (d postgresDialect) OpenCursor(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (Cursor, error) {
	name := fmt.Sprintf("dhmig_cursor_%d", pgCursorSeq.Add(1))
	if _, err := tx.ExecContext(ctx, `DECLARE `+name+` SCROLL CURSOR FOR `+query, args...); err != nil {
		return nil, err
	}
	return &pgCursor{tx: tx, name: name}, nil
}

// OpenSiblingCursor on PostgreSQL streams the query in a sibling
// transaction that imports tx's snapshot (pgSiblingRead), with sorts
// disabled (pgStreamSettings).
func (postgresDialect) OpenSiblingCursor(ctx context.Context, tx *sqlx.Tx, pool Beginner, query string, args ...any) (Cursor, error) {
	sib, err := pgSiblingRead(ctx, tx, pool)
	if err != nil {
		return nil, err
	}
	if err := pgSetLocal(ctx, sib, pgStreamSettings); err != nil {
		_ = sib.Rollback()
		return nil, fmt.Errorf("%w: %w", ErrNoSibling, err) // tx is as it was
	}
	return &queryCursor{tx: sib, query: query, args: args, end: sib.Rollback}, nil
}

func (c *pgCursor) Each(ctx context.Context, batch int, row func(*sqlx.Rows) error, flush func() error) error {
	if _, err := c.tx.ExecContext(ctx, `MOVE ABSOLUTE 0 IN `+c.name); err != nil {
		return err
	}
	fetch := fmt.Sprintf(`FETCH FORWARD %d FROM %s`, batch, c.name)
	for {
		n, err := c.fetch(ctx, fetch, row)
		if err != nil {
			return err
		}
		if n > 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		if n < batch {
			return nil
		}
	}
}

func (c *pgCursor) fetch(ctx context.Context, fetch string, row func(*sqlx.Rows) error) (int, error) {
	rows, err := c.tx.QueryxContext(ctx, fetch)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := row(rows); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func (c *pgCursor) Close(ctx context.Context) error {
	_, err := c.tx.ExecContext(ctx, `CLOSE `+c.name)
	return err
}

type pgInserter struct {
	tx   *sqlx.Tx
	raw  RawConn
	copy string
	buf  []byte
	// shared are the values every row gets (appended to each row's
	// arguments); sharedText is their COPY text, with its leading tab, or
	// nil when one has no text form here.
	shared     []any
	sharedText []byte
	args       []any
}

// NewInserter on PostgreSQL writes each batch with COPY FROM STDIN. Given
// the connection tx runs on (raw), it writes the batch as COPY text itself
// and hands it to the driver in one piece: database/sql's checks and
// conversions for every value of every row were most of the client's time
// in a large copy. Shared values are encoded once and appended to each row.
func (d postgresDialect) NewInserter(_ context.Context, tx *sqlx.Tx, raw RawConn, table string, columns []string, shared []Shared) (Inserter, error) {
	quoted, values := insertColumns(d.QuoteIdent, columns, shared)
	in := &pgInserter{tx: tx, raw: raw, shared: values,
		copy: `COPY ` + d.QuoteIdent(table) + ` (` + strings.Join(quoted, ", ") + `) FROM STDIN`}
	if len(values) == 0 {
		in.sharedText = []byte{}
	} else if text, err := appendCopyRows(nil, [][]any{values}); err == nil {
		in.sharedText = append([]byte{'\t'}, text...)
	}
	return in, nil
}

func (in *pgInserter) Insert(ctx context.Context, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var ok bool
	if in.buf, ok = in.Prepare(in.buf, rows); ok {
		return in.InsertPrepared(ctx, in.buf)
	}
	stmt, err := in.tx.PrepareContext(ctx, in.copy)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		in.args = append(append(in.args[:0], r...), in.shared...)
		if _, err := stmt.ExecContext(ctx, in.args...); err != nil {
			return err
		}
	}
	clear(in.args)
	_, err = stmt.ExecContext(ctx) // flush and end the COPY
	return err
}

// Prepare writes the rows' COPY text when the inserter has a raw
// connection to send it on and every value has a text form here.
func (in *pgInserter) Prepare(dst []byte, rows [][]any) ([]byte, bool) {
	if in.raw == nil || in.sharedText == nil {
		return dst, false
	}
	data, err := appendCopyRows(dst[:0], rows, in.sharedText...)
	return data, err == nil
}

// InsertPrepared sends COPY text as it is.
func (in *pgInserter) InsertPrepared(ctx context.Context, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	return pgRawCopy(ctx, in.raw, in.copy, data)
}

func (in *pgInserter) Close() error { return nil }

// SuspendIndexes on PostgreSQL drops the table's unique and foreign-key
// constraints (and with primaryKey its primary key) and its other
// non-primary indexes, keeping each definition as the catalog prints it, and
// re-creates them under the same names. Foreign keys of other tables that
// lean on a dropped key (auth_refresh_tokens on auth_users' primary key)
// are dropped first and added back, validated, once the key is rebuilt.
func (d postgresDialect) SuspendIndexes(ctx context.Context, tx *sqlx.Tx, table string, primaryKey bool) (func(context.Context) error, error) {
	type object struct {
		Name  string `db:"name"`
		Def   string `db:"def"`
		Kind  string `db:"kind"`  // p, u, f, i, or r: another table's foreign key
		Owner string `db:"owner"` // the table holding it, as regclass prints it
	}
	var objs []object
	if err := sqlx.SelectContext(ctx, tx, &objs, `
		WITH t AS (
			SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relname = $1)
		SELECT f.conname AS name, pg_get_constraintdef(f.oid) AS def, 'r' AS kind, f.conrelid::regclass::text AS owner
		FROM pg_constraint f JOIN pg_constraint k ON k.conindid = f.conindid AND k.conrelid = f.confrelid, t
		WHERE f.contype = 'f' AND f.confrelid = t.oid AND f.conrelid <> t.oid AND (k.contype = 'u' OR k.contype = 'p' AND $2)
		UNION ALL
		SELECT con.conname, pg_get_constraintdef(con.oid), con.contype::text, con.conrelid::regclass::text
		FROM pg_constraint con, t WHERE con.conrelid = t.oid AND (con.contype IN ('u', 'f') OR con.contype = 'p' AND $2)
		UNION ALL
		SELECT i.relname, pg_get_indexdef(i.oid), 'i', x.indrelid::regclass::text
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid, t
		WHERE x.indrelid = t.oid AND NOT x.indisprimary
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.oid)
		ORDER BY 1`, table, primaryKey); err != nil {
		return nil, fmt.Errorf("list indexes of %s: %w", table, err)
	}
	// Other tables' foreign keys first, then the keys they lean on.
	for _, kind := range []string{"r", "u", "p", "i", "f"} {
		for _, o := range objs {
			if o.Kind != kind {
				continue
			}
			stmt := `ALTER TABLE ` + o.Owner + ` DROP CONSTRAINT ` + d.QuoteIdent(o.Name)
			if o.Kind == "i" {
				stmt = `DROP INDEX ` + d.QuoteIdent(o.Name)
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return nil, fmt.Errorf("suspend %s: %w", o.Name, err)
			}
		}
	}
	return func(ctx context.Context) error {
		// The builds sort the whole table and a foreign key's validation
		// joins two: give them room, for this transaction only and just
		// while they run; the caller's transaction may go on with other work.
		prev := make([][2]string, len(pgRebuildSettings))
		for i, s := range pgRebuildSettings {
			prev[i][0] = s[0]
			if err := tx.QueryRowxContext(ctx, `SELECT current_setting($1)`, s[0]).Scan(&prev[i][1]); err != nil {
				return fmt.Errorf("read %s: %w", s[0], err)
			}
		}
		if err := pgSetLocal(ctx, tx, pgRebuildSettings); err != nil {
			return err
		}
		// The primary key, plain indexes, unique constraints, then foreign
		// keys, which may lean on the unique ones, the table's own first.
		for _, kind := range []string{"p", "i", "u", "f", "r"} {
			for _, o := range objs {
				if o.Kind != kind {
					continue
				}
				stmt := o.Def
				if kind != "i" {
					stmt = `ALTER TABLE ` + o.Owner + ` ADD CONSTRAINT ` + d.QuoteIdent(o.Name) + ` ` + o.Def
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("re-create %s: %w", o.Name, err)
				}
			}
		}
		return pgSetLocal(ctx, tx, prev)
	}, nil
}

// pgRebuildSettings hold while suspended indexes and constraints are
// rebuilt. maintenance_work_mem: enough to sort a few million keys in
// memory. work_mem: a foreign key's validation joins the two tables, and at
// the default 4MB the hash join spills to disk. Server memory, not dhmig's,
// and for this transaction only. Parallel builds are left to the server's
// max_parallel_maintenance_workers: by the rebuild the reading backend and
// the client are done, so the workers have the cores to themselves
// (docs/performance.md has the figures).
var pgRebuildSettings = [][2]string{{"maintenance_work_mem", "256MB"}, {"work_mem", "256MB"}}

// IsConstraintError on PostgreSQL: SQLSTATE class 23 (integrity
// constraint violation).
func (postgresDialect) IsConstraintError(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code.Class() == "23"
}

// BulkTimestamp on PostgreSQL is the UTC text with an explicit +00 zone:
// right for timestamp columns (which ignore it) and timestamptz ones alike,
// and far cheaper than the driver formatting a time.Time for each row.
func (d postgresDialect) BulkTimestamp(t time.Time) any {
	if b, ok := appendTimestamp(make([]byte, 0, 32), t, "+00"); ok {
		return string(b)
	}
	return d.Timestamp(t) // the driver handles BC and far-future years
}
