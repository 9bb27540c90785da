package integrity

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Parity across engines. When the legacy table lives in another database
// (Source.From), no query can join it to dhmig_user_map, dhmig_rejects and
// auth_users. Instead both sides stream in the byte order of the legacy id
// as text — the source's ids cast to text under its dialect's bytewise
// collation, the target's bookkeeping by legacy_id — and one merge pass
// computes exactly what parityScan's join computes: the same counts, and
// the same examples in the same order (each side's example order is
// reproduced: the source's id order by a row number, auth_users' ids and
// the legacy ids as the text they are). Memory holds the examples only.

// mergeParity is parityScan for a legacy table in another database.
func (e *env) mergeParity(ctx context.Context, l legacy) (*parityCounts, error) {
	src := e.o.Source.From
	var p parityCounts
	p.merged = true
	if err := e.q.QueryRowxContext(ctx, `SELECT (SELECT COUNT(*) FROM dhmig_user_map),
		(SELECT COUNT(*) FROM dhmig_rejects WHERE legacy_id IS NULL)`).Scan(&p.mapped, &p.rejectedNoID); err != nil {
		return nil, fmt.Errorf("parity: count dhmig_user_map: %w", err)
	}
	sd := src.Dialect
	lid := fmt.Sprintf("CAST(l.%s AS TEXT)", l.id)
	// ROW_NUMBER keeps the position the single-database examples are
	// ordered by (ORDER BY l.id: numbers as numbers, under the column's
	// collation) while the rows come in byte order.
	legacyRows, err := src.Tx.QueryxContext(ctx, fmt.Sprintf(`SELECT %[2]s, CAST(l.%[3]s AS TEXT), CAST(l.%[4]s AS TEXT),
		ROW_NUMBER() OVER (ORDER BY l.%[5]s) FROM %[1]s l ORDER BY %[6]s`,
		l.table, lid, l.email, l.hash, l.id, sd.BytewiseSQL(lid)))
	if err != nil {
		return nil, fmt.Errorf("parity: read %s: %w", e.o.Source.Table, err)
	}
	defer legacyRows.Close()
	targetRows, err := e.q.QueryxContext(ctx, `SELECT t.k, t.kind, t.temp, t.uid, t.email, t.hash FROM (
		SELECT m.legacy_id AS k, 0 AS kind, m.temp_password AS temp, CAST(u.id AS TEXT) AS uid, u.email AS email, u.password_hash AS hash
		FROM dhmig_user_map m LEFT JOIN `+e.users+` u ON u.id = m.user_id
		UNION ALL
		SELECT legacy_id, 1, NULL, NULL, NULL, NULL FROM dhmig_rejects WHERE legacy_id IS NOT NULL) t
		ORDER BY `+e.d.BytewiseSQL("t.k")+`, t.kind`)
	if err != nil {
		return nil, fmt.Errorf("parity: read dhmig_user_map: %w", err)
	}
	defer targetRows.Close()

	m := merger{p: &p, limit: e.o.ExampleLimit, t: bookStream{rows: targetRows}}
	if err := m.t.next(); err != nil {
		return nil, err
	}
	var prev string
	var seen bool
	for legacyRows.Next() {
		var r legacyParityRow
		if err := legacyRows.Scan(&r.id, &r.email, &r.hash, &r.rank); err != nil {
			return nil, fmt.Errorf("parity: read %s: %w", e.o.Source.Table, err)
		}
		if !r.id.Valid {
			p.noID++
			continue
		}
		if seen && r.id.String < prev {
			return nil, fmt.Errorf("parity: the ids of %s do not come in byte order: the source database does not sort text by bytes", e.o.Source.Table)
		}
		prev, seen = r.id.String, true
		if err := m.legacy(&r); err != nil {
			return nil, err
		}
	}
	if err := legacyRows.Err(); err != nil {
		return nil, fmt.Errorf("parity: read %s: %w", e.o.Source.Table, err)
	}
	if err := m.drain(); err != nil {
		return nil, err
	}
	m.finish()
	p.unaccounted += max(p.noID-p.rejectedNoID, 0)
	return &p, nil
}

type legacyParityRow struct {
	id, email, hash sql.NullString
	rank            int64
}

// bookRow is one row of the target's bookkeeping: a mapping (kind 0, with
// its user, if any) or a reject (kind 1).
type bookRow struct {
	key              string
	kind             int
	temp             sql.NullBool
	uid, email, hash sql.NullString
}

type bookStream struct {
	rows *sqlx.Rows
	cur  bookRow
	ok   bool
	// matched: a legacy row joined the current mapping.
	matched bool
}

func (s *bookStream) next() error {
	s.matched = false
	if !s.rows.Next() {
		s.ok = false
		if err := s.rows.Err(); err != nil {
			return fmt.Errorf("parity: read dhmig_user_map: %w", err)
		}
		return nil
	}
	s.ok = true
	s.cur = bookRow{}
	if err := s.rows.Scan(&s.cur.key, &s.cur.kind, &s.cur.temp, &s.cur.uid, &s.cur.email, &s.cur.hash); err != nil {
		return fmt.Errorf("parity: read dhmig_user_map: %w", err)
	}
	return nil
}

// merger walks the bookkeeping beside the legacy rows.
type merger struct {
	p     *parityCounts
	limit int
	t     bookStream

	unaccounted []rankedExample
	mismatched  []Example
}

type rankedExample struct {
	rank int64
	ex   Example
}

// legacy takes the next legacy row (with an id, in byte order).
func (m *merger) legacy(r *legacyParityRow) error {
	id := r.id.String
	for m.t.ok && m.t.cur.key < id {
		m.gone()
		if err := m.t.next(); err != nil {
			return err
		}
	}
	// The mapping of id sorts before its rejects. The stream stays on it:
	// legacy rows sharing the id each join it, as in the join.
	if m.t.ok && m.t.cur.key == id {
		if m.t.cur.kind == 0 {
			m.t.matched = true
			m.p.matched++
			m.compare(id, r)
		}
		return nil
	}
	m.p.unaccounted++
	m.unaccounted = keepSmallest(m.unaccounted, rankedExample{r.rank, Example{ID: id, Email: r.email.String,
		Detail: "legacy row neither migrated (dhmig_user_map) nor rejected (dhmig_rejects)"}}, m.limit,
		func(a, b rankedExample) int { return cmpInt(a.rank, b.rank) })
	return nil
}

// compare is emailDiffers and hashDiffers for a mapped legacy row.
func (m *merger) compare(id string, r *legacyParityRow) {
	b := &m.t.cur
	email := target.CanonEmail(b.email.String) != target.CanonEmail(r.email.String)
	// NOT m.temp_password: a NULL flag compares as not different.
	hash := b.temp.Valid && !b.temp.Bool && b.hash.String != r.hash.String
	if !email && !hash {
		return
	}
	m.p.mismatched++
	if !b.uid.Valid {
		return // counted, but the examples join auth_users, as the query does
	}
	what := "password hash differs"
	switch {
	case email && hash:
		what = "email and password hash differ"
	case email:
		what = "email differs"
	}
	m.mismatched = keepSmallest(m.mismatched, Example{ID: b.uid.String, Email: b.email.String,
		Detail: "legacy row " + id + ": " + what}, m.limit,
		func(a, b Example) int { return strings.Compare(a.ID, b.ID) })
}

// gone notes a mapping the stream leaves without a legacy row having
// joined it: its legacy row no longer exists. The examples name only
// mappings whose user exists, in legacy id order, as the query does.
func (m *merger) gone() {
	b := &m.t.cur
	if b.kind != 0 || m.t.matched || !b.uid.Valid || len(m.p.goneExamples) >= m.limit {
		return
	}
	m.p.goneExamples = append(m.p.goneExamples, Example{ID: b.uid.String, Email: b.email.String,
		Detail: "legacy row " + b.key + ": no longer exists"})
}

// drain reads the bookkeeping left after the last legacy row.
func (m *merger) drain() error {
	for m.t.ok {
		m.gone()
		if err := m.t.next(); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) finish() {
	m.p.legacyExamples = make([]Example, len(m.unaccounted))
	for i, r := range m.unaccounted {
		m.p.legacyExamples[i] = r.ex
	}
	m.p.mismatchExamples = m.mismatched
}

// keepSmallest adds x to list, kept sorted by cmp and at most n long.
func keepSmallest[T any](list []T, x T, n int, cmp func(a, b T) int) []T {
	if n <= 0 || len(list) == n && cmp(x, list[n-1]) >= 0 {
		return list
	}
	i, _ := slices.BinarySearchFunc(list, x, func(a, b T) int {
		if c := cmp(a, b); c != 0 {
			return c
		}
		return -1 // after its equals: the first found stays first
	})
	list = slices.Insert(list, i, x)
	if len(list) > n {
		list = list[:n]
	}
	return list
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
