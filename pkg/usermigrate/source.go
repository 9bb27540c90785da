package usermigrate

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// checkSchema fails with ErrNoSchema unless the target's user table and
// dhmig's tables exist.
func checkSchema(ctx context.Context, d database.Core, q sqlx.QueryerContext, p *target.Profile) error {
	for _, t := range []string{p.Users, "dhmig_user_map", "dhmig_rejects"} {
		ok, err := database.TableExists(ctx, d, q, t)
		if err != nil {
			return fmt.Errorf("check table %s: %w", t, err)
		}
		if !ok {
			return fmt.Errorf("%w (table %s is missing)", ErrNoSchema, t)
		}
	}
	return nil
}

// checkSource fails with a message naming the missing table or columns.
func checkSource(ctx context.Context, d database.Core, q sqlx.QueryerContext, o *Options) error {
	cols, err := d.Columns(ctx, q, o.SourceTable)
	if err != nil {
		return fmt.Errorf("read columns of %s: %w", o.SourceTable, err)
	}
	if len(cols) == 0 {
		return fmt.Errorf("source table %q not found (name it with --source-table)", o.SourceTable)
	}
	have := make([]string, len(cols))
	for i, c := range cols {
		have[i] = c.Name
	}
	for _, f := range o.Columns.fields() {
		if !slices.Contains(have, *f.col) {
			return fmt.Errorf("source table %s has no column %q for %s (map it with --map-column %s=<column>; it has %v)",
				o.SourceTable, *f.col, f.name, f.name, have)
		}
	}
	return nil
}

// queries builds the statements over the source: identifiers validated and
// quoted, no values spliced in.
type queries struct {
	cols     string // the select list and FROM, without an order
	ids      string // the ids in byte order (a source in another database)
	counts   string // total rows, rows already in dhmig_user_map
	countAll string // the same for an empty dhmig_user_map
	rows     string // unmigrated rows in id order
	all      string // every row in id order, for an empty dhmig_user_map
}

func buildQueries(d database.Core, o *Options, mixedIDs bool) queries {
	q := d.QuoteIdent
	c := o.Columns
	src := q(o.SourceTable)
	id := `CAST(s.` + q(c.ID) + ` AS TEXT)`
	text := func(col string) string { return `CAST(s.` + q(col) + ` AS TEXT)` }
	// COALESCE(x, NULL) is x without the column's declared type: go-sqlite3
	// would otherwise reinterpret values by it (text in a TIMESTAMP column,
	// 2 in a BOOLEAN one), and one documented reading (row.go) applies
	// whatever the legacy table declared.
	raw := func(col string) string { return `COALESCE(s.` + q(col) + `, NULL)` }
	cols := `SELECT ` + id + `, ` + text(c.Email) + `, ` + text(c.Username) + `, ` + text(c.PasswordHash) +
		`, ` + raw(c.CreatedAt) + `, ` + raw(c.IsActive) + ` FROM ` + src + ` s`
	// Rows sharing an id must be adjacent for the preflight to see them:
	// ordering by the column itself does that, and walks its index, unless
	// its values are of mixed kinds.
	order := ` ORDER BY s.` + q(c.ID)
	if mixedIDs {
		order = ` ORDER BY ` + id
	}
	return queries{
		cols:     cols,
		counts:   `SELECT COUNT(*), COUNT(m.legacy_id) FROM ` + src + ` s LEFT JOIN dhmig_user_map m ON m.legacy_id = ` + id,
		countAll: `SELECT COUNT(*), 0 FROM ` + src,
		rows:     cols + ` WHERE NOT EXISTS (SELECT 1 FROM dhmig_user_map m WHERE m.legacy_id = ` + id + `)` + order,
		all:      cols + order,
	}
}

// source is the query over the rows to migrate. With an empty
// dhmig_user_map it must not mention that table: PostgreSQL refuses to
// suspend the indexes of a table an open cursor uses.
func (q queries) source(mapEmpty bool) string {
	if mapEmpty {
		return q.all
	}
	return q.rows
}

// targetState is what the run needs to know about the tables it writes.
type targetState struct {
	authRows int64
	// canonical: every auth user's email and username equal their canonical
	// forms, so the unique constraints on auth_users catch exactly the
	// conflicts the canonical comparison would (see fast.go).
	canonical bool
	mapEmpty  bool
	// usersAdopted: the user table is the application's, adopted by schema
	// up; the copy leaves its indexes and defaults alone.
	usersAdopted bool
}

// readTarget streams the user table once, holding nothing per row.
func readTarget(ctx context.Context, q sqlx.QueryerContext, users string) (targetState, error) {
	t := targetState{canonical: true}
	rows, err := q.QueryxContext(ctx, `SELECT email, username FROM `+users)
	if err != nil {
		return t, fmt.Errorf("read %s: %w", users, err)
	}
	defer rows.Close()
	var e, u string
	for rows.Next() {
		if err := rows.Scan(&e, &u); err != nil {
			return t, fmt.Errorf("read %s: %w", users, err)
		}
		t.authRows++
		if t.canonical && (target.CanonEmail(e) != e || target.CanonUsername(u) != u) {
			t.canonical = false
		}
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("read %s: %w", users, err)
	}
	var any int
	if err := q.QueryRowxContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM dhmig_user_map LIMIT 1) t`).Scan(&any); err != nil {
		return t, fmt.Errorf("read dhmig_user_map: %w", err)
	}
	t.mapEmpty = any == 0
	return t, nil
}
