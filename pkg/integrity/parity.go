package integrity

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// legacy is the quoted names of the legacy table and its columns.
type legacy struct{ table, id, email, hash string }

// parityReady says why parity cannot run (a skip reason), or returns the
// quoted legacy names. A legacy table that lacks a configured column is an
// error: it means a wrong --map-column, not a database without a legacy
// table.
func (e *env) parityReady(ctx context.Context) (legacy, string, error) {
	s := e.o.Source
	ld := e.d // the legacy table's dialect
	exists := e.has(s.Table)
	var cols []database.Column
	if s.From != nil {
		ld = s.From.Dialect
		var err error
		if cols, err = ld.Columns(ctx, s.From.Tx, s.Table); err != nil {
			return legacy{}, "", fmt.Errorf("columns of %s: %w", s.Table, err)
		}
		exists = len(cols) > 0
	}
	if !exists {
		if s.Required {
			return legacy{}, "", fmt.Errorf("legacy table %s does not exist (check --source-table)", s.Table)
		}
		return legacy{}, fmt.Sprintf("no legacy table %s (use --source-table if it has another name)", s.Table), nil
	}
	for _, t := range []string{e.users, tMap, tRejects} {
		if !e.has(t) {
			return legacy{}, fmt.Sprintf("table %s does not exist: this database was not migrated by dhmig", t), nil
		}
	}
	if s.From == nil {
		var err error
		if cols, err = e.d.Columns(ctx, e.q, s.Table); err != nil {
			return legacy{}, "", fmt.Errorf("columns of %s: %w", s.Table, err)
		}
	}
	var missing []string
	for _, c := range []string{s.ID, s.Email, s.PasswordHash} {
		if !slices.ContainsFunc(cols, func(col database.Column) bool { return col.Name == c }) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return legacy{}, "", fmt.Errorf("legacy table %s has no column %s (use --map-column)", s.Table, strings.Join(missing, ", "))
	}
	q := ld.QuoteIdent
	return legacy{table: q(s.Table), id: q(s.ID), email: q(s.Email), hash: q(s.PasswordHash)}, "", nil
}

// parityCounts are what both parity checks need, from one pass over the
// legacy table joined to the mapping and the users.
type parityCounts struct {
	unaccounted int64 // legacy rows neither mapped nor rejected
	// noID is how many legacy rows have no id, rejectedNoID how many
	// rejects record such a row: rows without an id can only be counted.
	noID, rejectedNoID int64
	matched            int64 // mappings whose legacy row exists
	mismatched         int64 // of those, the ones whose email or hash differ
	mapped             int64 // all mappings

	// merged: the counts come from mergeParity (a legacy table in another
	// database), which also collected each check's examples.
	merged                                         bool
	legacyExamples, mismatchExamples, goneExamples []Example
}

// emailDiffers compares the canonical forms (the rule book's, whatever
// --email-case stored). Identical values (the common case) are settled by
// one comparison before the canonical forms are computed: equal strings
// have equal canonical forms (on PostgreSQL this skips two function calls
// for nearly every row).
func (e *env) emailDiffers(l legacy) string {
	legacyEmail := fmt.Sprintf("CAST(l.%s AS TEXT)", l.email)
	return fmt.Sprintf(`(CASE WHEN u.email = %[1]s THEN 0`+
		` WHEN COALESCE(%[2]s, '') <> COALESCE(%[3]s, '') THEN 1 ELSE 0 END = 1)`,
		legacyEmail, e.d.CanonEmailSQL("u.email"), e.d.CanonEmailSQL(legacyEmail))
}

func (l legacy) hashDiffers() string {
	return fmt.Sprintf(`(NOT m.temp_password AND COALESCE(u.password_hash, '') <> COALESCE(CAST(l.%s AS TEXT), ''))`, l.hash)
}

// parityScan drives the join from the legacy table: SQLite looks each
// mapping and user up by its primary key, PostgreSQL hash-joins. Rejects
// are joined only to unmapped rows (a LEFT JOIN rather than a correlated
// EXISTS, so that PostgreSQL can aggregate in parallel workers).
func (e *env) parityScan(ctx context.Context, l legacy) (*parityCounts, error) {
	if e.parity != nil {
		return e.parity, nil
	}
	if e.o.Source.From != nil {
		p, err := e.mergeParity(ctx, l)
		e.parity = p
		return p, err
	}
	// A rejected row may have several dhmig_rejects rows (rows sharing an
	// id): the join then repeats it, which changes no sum below, and
	// COUNT(*) - COUNT(l.id) counts only rows without an id, which join no
	// reject.
	q := fmt.Sprintf(`SELECT
		COALESCE(SUM(CASE WHEN l.%[2]s IS NOT NULL AND m.legacy_id IS NULL AND r.legacy_id IS NULL THEN 1 ELSE 0 END), 0),
		COUNT(m.legacy_id),
		COALESCE(SUM(CASE WHEN m.legacy_id IS NOT NULL AND (%[3]s OR %[4]s) THEN 1 ELSE 0 END), 0),
		(SELECT COUNT(*) FROM dhmig_user_map),
		COUNT(*) - COUNT(l.%[2]s),
		(SELECT COUNT(*) FROM dhmig_rejects WHERE legacy_id IS NULL)
		FROM %[1]s l LEFT JOIN dhmig_user_map m ON m.legacy_id = CAST(l.%[2]s AS TEXT)
		LEFT JOIN %[5]s u ON u.id = m.user_id
		LEFT JOIN dhmig_rejects r ON m.legacy_id IS NULL AND r.legacy_id = CAST(l.%[2]s AS TEXT)`,
		l.table, l.id, e.emailDiffers(l), l.hashDiffers(), e.users)
	var p parityCounts
	if err := e.q.QueryRowxContext(ctx, q).Scan(&p.unaccounted, &p.matched, &p.mismatched, &p.mapped, &p.noID, &p.rejectedNoID); err != nil {
		return nil, fmt.Errorf("parity with %s: %w", e.o.Source.Table, err)
	}
	p.unaccounted += max(p.noID-p.rejectedNoID, 0)
	e.parity = &p
	return e.parity, nil
}

// parityCounts is what both parity checks start from: the legacy names and
// the one scan's counts, or why parity cannot run (skip).
func (e *env) parityCounts(ctx context.Context) (l legacy, p *parityCounts, skip string, err error) {
	if l, skip, err = e.parityReady(ctx); err != nil || skip != "" {
		return l, nil, skip, err
	}
	p, err = e.parityScan(ctx, l)
	return l, p, "", err
}

func findUnaccountedLegacyRows(ctx context.Context, e *env) (Finding, error) {
	const id = "parity.legacy_rows"
	l, p, skip, err := e.parityCounts(ctx)
	if err != nil || skip != "" {
		return Finding{Skipped: skip}, err
	}
	f := Finding{Count: p.unaccounted, Examples: []Example{}}
	if f.Count == 0 {
		return f, nil
	}
	if lost := p.noID - p.rejectedNoID; lost > 0 {
		f.Examples = append(f.Examples, Example{Detail: fmt.Sprintf(
			"%d legacy rows without an id, %d recorded as rejected", p.noID, p.rejectedNoID)})
	}
	if room := e.o.ExampleLimit - len(f.Examples); room > 0 && p.merged {
		f.Examples = append(f.Examples, p.legacyExamples[:min(room, len(p.legacyExamples))]...)
	} else if room > 0 {
		more, err := e.examples(ctx, id, fmt.Sprintf(`SELECT CAST(l.%[2]s AS TEXT), CAST(l.%[3]s AS TEXT),`+
			` 'legacy row neither migrated (dhmig_user_map) nor rejected (dhmig_rejects)'`+
			` FROM %[1]s l WHERE l.%[2]s IS NOT NULL`+
			` AND NOT EXISTS (SELECT 1 FROM dhmig_user_map m WHERE m.legacy_id = CAST(l.%[2]s AS TEXT))`+
			` AND NOT EXISTS (SELECT 1 FROM dhmig_rejects r WHERE r.legacy_id = CAST(l.%[2]s AS TEXT))`+
			` ORDER BY l.%[2]s LIMIT ?`, l.table, l.id, l.email), room)
		if err != nil {
			return f, err
		}
		f.Examples = append(f.Examples, more...)
	}
	return f, nil
}

// findMappedMismatches compares each mapped user with its legacy row.
// Emails compare lowercased and trimmed (migrate-users lowercases unless
// --email-case preserve); hashes compare exactly unless the user got a
// temporary password. A mapping whose legacy row is gone counts too.
func findMappedMismatches(ctx context.Context, e *env) (Finding, error) {
	const id = "parity.mapped_values"
	l, p, skip, err := e.parityCounts(ctx)
	if err != nil || skip != "" {
		return Finding{Skipped: skip}, err
	}
	gone := max(p.mapped-p.matched, 0)
	f := Finding{Count: p.mismatched + gone, Examples: []Example{}}
	if p.merged {
		f.Examples = append(f.Examples, p.mismatchExamples...)
		if room := e.o.ExampleLimit - len(f.Examples); gone > 0 && room > 0 {
			f.Examples = append(f.Examples, p.goneExamples[:min(room, len(p.goneExamples))]...)
		}
		return f, nil
	}
	if p.mismatched > 0 {
		f.Examples, err = e.examples(ctx, id, fmt.Sprintf(`SELECT CAST(u.id AS TEXT), u.email, 'legacy row ' || CAST(l.%[2]s AS TEXT) || ': '`+
			` || CASE WHEN %[3]s THEN CASE WHEN %[4]s THEN 'email and password hash differ' ELSE 'email differs' END`+
			` ELSE 'password hash differs' END`+
			` FROM %[1]s l JOIN dhmig_user_map m ON m.legacy_id = CAST(l.%[2]s AS TEXT) JOIN %[5]s u ON u.id = m.user_id`+
			` WHERE %[3]s OR %[4]s ORDER BY u.id LIMIT ?`, l.table, l.id, e.emailDiffers(l), l.hashDiffers(), e.users), e.o.ExampleLimit)
		if err != nil {
			return f, err
		}
	}
	if room := e.o.ExampleLimit - len(f.Examples); gone > 0 && room > 0 {
		more, err := e.examples(ctx, id, fmt.Sprintf(`SELECT CAST(m.user_id AS TEXT), u.email, 'legacy row ' || x.legacy_id || ': no longer exists'`+
			` FROM (SELECT legacy_id FROM dhmig_user_map EXCEPT SELECT CAST(%s AS TEXT) FROM %s) x`+
			` JOIN dhmig_user_map m ON m.legacy_id = x.legacy_id JOIN %s u ON u.id = m.user_id`+
			` ORDER BY x.legacy_id LIMIT ?`, l.id, l.table, e.users), room)
		if err != nil {
			return f, err
		}
		f.Examples = append(f.Examples, more...)
	}
	return f, nil
}
