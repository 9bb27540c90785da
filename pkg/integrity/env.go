package integrity

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// dhmig's bookkeeping tables the checks read; the target's own tables
// come from its profile (env.users, env.tokens).
const (
	tMap     = "dhmig_user_map"
	tRejects = "dhmig_rejects"
)

// env is what one run's checks share: the executor, the dialect, the
// options, which tables exist, and counts computed in advance.
type env struct {
	q      sqlx.QueryerContext
	d      checkDialect
	o      Options
	tables []string
	// users and tokens are the target's user and refresh-token tables
	// (tokens "" when it has none).
	users, tokens string
	// counts holds the rule checks' totals from Run's single scan, and the
	// duplicate checks' non-canonical row counts.
	counts map[string]int64
	// userIndexes caches auth_users' indexes (nil until read).
	userIndexes []database.Index
	// parity caches the one query both parity checks share.
	parity *parityCounts
	// now is the run's start, the time plausible timestamps are judged at.
	now time.Time
}

func newEnv(ctx context.Context, q sqlx.QueryerContext, d checkDialect, o Options) (*env, error) {
	tables, err := d.Tables(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return &env{q: q, d: d, o: o, tables: tables, users: o.Target.Users, tokens: o.Target.Tokens,
		counts: map[string]int64{}, now: time.Now()}, nil
}

// on returns an env reading through q, with e's options and tables and
// caches of its own, for a lane that runs beside e's.
func (e *env) on(q sqlx.QueryerContext) *env {
	return &env{q: q, d: e.d, o: e.o, tables: e.tables, users: e.users, tokens: e.tokens, counts: map[string]int64{}, now: e.now}
}

func (e *env) has(table string) bool { return slices.Contains(e.tables, table) }

// bind turns ? placeholders into the driver's.
func (e *env) bind(query string) string {
	return sqlx.Rebind(sqlx.BindType(e.d.DriverName()), query)
}

func (e *env) count(ctx context.Context, what, query string, args ...any) (int64, error) {
	var n sql.NullInt64
	if err := e.q.QueryRowxContext(ctx, e.bind(query), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n.Int64, nil
}

// examples runs a query returning (id, email, detail) rows.
func (e *env) examples(ctx context.Context, what, query string, args ...any) ([]Example, error) {
	rows, err := e.q.QueryxContext(ctx, e.bind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("%s examples: %w", what, err)
	}
	defer rows.Close()
	out := []Example{}
	for rows.Next() {
		var id, email, detail sql.NullString
		if err := rows.Scan(&id, &email, &detail); err != nil {
			return nil, fmt.Errorf("%s examples: %w", what, err)
		}
		out = append(out, Example{ID: id.String, Email: email.String, Detail: detail.String})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s examples: %w", what, err)
	}
	return out, nil
}

// needs returns a skip reason when a table the check reads is missing.
func (e *env) needs(tables ...string) string {
	for _, t := range tables {
		if !e.has(t) {
			return fmt.Sprintf("table %s does not exist", t)
		}
	}
	return ""
}
