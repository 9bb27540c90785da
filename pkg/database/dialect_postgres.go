package database

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// advisoryLockKey is the pg_advisory_lock key all dhmig writers share
// ("dhmig" in ASCII).
const advisoryLockKey int64 = 0x64686d6967

type postgresDialect struct{}

var _ Dialect = postgresDialect{}

func (postgresDialect) Kind() Kind         { return Postgres }
func (postgresDialect) DriverName() string { return "postgres" }

func (postgresDialect) QuoteIdent(name string) string { return pq.QuoteIdentifier(name) }

func (postgresDialect) ServerVersion(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	var v string
	err := sqlx.GetContext(ctx, q, &v, `SHOW server_version`)
	return v, err
}

func (postgresDialect) Tables(ctx context.Context, q sqlx.QueryerContext) ([]string, error) {
	var names []string
	err := sqlx.SelectContext(ctx, q, &names, `
		SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`)
	return names, err
}

func (postgresDialect) Columns(ctx context.Context, q sqlx.QueryerContext, table string) ([]Column, error) {
	rows, err := q.QueryxContext(ctx, `
		SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
		       COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attnum,
		       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey))
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.Default, &c.Position, &c.Primary); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

func (postgresDialect) Indexes(ctx context.Context, q sqlx.QueryerContext, table string) ([]Index, error) {
	rows, err := q.QueryxContext(ctx, `
		SELECT i.relname, ix.indisunique,
		       array_to_string(ARRAY(
		         SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
		         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',')
		FROM pg_index ix
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname = $1
		ORDER BY i.relname`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Index
	for rows.Next() {
		ix := Index{Table: table}
		var cols string
		if err := rows.Scan(&ix.Name, &ix.Unique, &cols); err != nil {
			return nil, err
		}
		if cols != "" {
			ix.Columns = strings.Split(cols, ",")
		}
		out = append(out, ix)
	}
	return out, rows.Err()
}

var pgDeleteActions = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func (postgresDialect) ForeignKeys(ctx context.Context, q sqlx.QueryerContext, table string) ([]ForeignKey, error) {
	rows, err := q.QueryxContext(ctx, `
		SELECT con.conname, a.attname, rt.relname, ra.attname, con.confdeltype
		FROM pg_constraint con
		JOIN pg_class t ON t.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		JOIN pg_class rt ON rt.oid = con.confrelid
		JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
		JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
		WHERE con.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1
		ORDER BY con.conname`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fks []ForeignKey
	for rows.Next() {
		fk := ForeignKey{Table: table}
		var action string
		if err := rows.Scan(&fk.Constraint, &fk.Column, &fk.RefTable, &fk.RefColumn, &action); err != nil {
			return nil, err
		}
		fk.OnDelete = pgDeleteActions[action]
		fks = append(fks, fk)
	}
	return fks, rows.Err()
}

// MixedTypes: a PostgreSQL column has one type.
func (postgresDialect) MixedTypes(context.Context, sqlx.QueryerContext, string, string) (bool, error) {
	return false, nil
}

func (postgresDialect) Timestamp(t time.Time) any { return t.UTC() }

func (postgresDialect) Roles(roles []string) any {
	if roles == nil {
		roles = []string{}
	}
	return pq.StringArray(roles)
}

func (postgresDialect) Bool(b bool) any { return b }

// lockConn holds a session advisory lock on conn, retrying
// pg_try_advisory_lock until the timeout.
func (postgresDialect) lockConn(ctx context.Context, conn *sqlx.Conn, timeout time.Duration) (func(), error) {
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		if err := conn.GetContext(ctx, &ok, `SELECT pg_try_advisory_lock($1)`, advisoryLockKey); err != nil {
			return nil, fmt.Errorf("pg_try_advisory_lock: %w", err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return nil, lockHeld(timeout, nil)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			// A fresh context: the lock must be released even when the run
			// was cancelled. The session's end releases it anyway.
			c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _ = conn.ExecContext(c, `SELECT pg_advisory_unlock($1)`, advisoryLockKey)
		})
	}, nil
}

// lockInTx: the advisory lock lasts the session.
func (postgresDialect) lockInTx() bool { return false }

// isBusy: a lock_timeout ran out (a restore waiting for other sessions).
func (postgresDialect) isBusy(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "55P03" // lock_not_available
}
