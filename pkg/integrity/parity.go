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
	if !e.has(s.Table) {
		if s.Required {
			return legacy{}, "", fmt.Errorf("legacy table %s does not exist (check --source-table)", s.Table)
		}
		return legacy{}, fmt.Sprintf("no legacy table %s (use --source-table if it has another name)", s.Table), nil
	}
	for _, t := range []string{tUsers, tMap, tRejects} {
		if !e.has(t) {
			return legacy{}, fmt.Sprintf("table %s does not exist: this database was not migrated by dhmig", t), nil
		}
	}
	cols, err := e.d.Columns(ctx, e.q, s.Table)
	if err != nil {
		return legacy{}, "", fmt.Errorf("columns of %s: %w", s.Table, err)
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
	return legacy{table: e.qi(s.Table), id: e.qi(s.ID), email: e.qi(s.Email), hash: e.qi(s.PasswordHash)}, "", nil
}

func findUnaccountedLegacyRows(ctx context.Context, e *env) (Finding, error) {
	const id = "parity.legacy_rows"
	l, skip, err := e.parityReady(ctx)
	if err != nil || skip != "" {
		return Finding{Skipped: skip}, err
	}
	from := fmt.Sprintf(` FROM %[1]s l WHERE NOT EXISTS (SELECT 1 FROM dhmig_user_map m WHERE m.legacy_id = CAST(l.%[2]s AS TEXT))`+
		` AND NOT EXISTS (SELECT 1 FROM dhmig_rejects r WHERE r.legacy_id = CAST(l.%[2]s AS TEXT))`, l.table, l.id)
	n, err := e.count(ctx, id, "SELECT COUNT(*)"+from)
	if err != nil {
		return Finding{}, err
	}
	f := Finding{Count: n, Examples: []Example{}}
	if n == 0 {
		return f, nil
	}
	f.Examples, err = e.examples(ctx, id, fmt.Sprintf(`SELECT CAST(l.%s AS TEXT), CAST(l.%s AS TEXT),`+
		` 'legacy row neither migrated (dhmig_user_map) nor rejected (dhmig_rejects)'`, l.id, l.email)+
		from+" ORDER BY l."+l.id+" LIMIT ?", e.o.ExampleLimit)
	return f, err
}

// findMappedMismatches compares each mapped user with its legacy row,
// driving the join from the legacy table so that SQLite looks the mapping up
// by its primary key. Emails compare lowercased and trimmed (migrate-users
// lowercases unless --email-case preserve); hashes compare exactly unless
// the user got a temporary password. A mapping whose legacy row is gone
// counts too.
func findMappedMismatches(ctx context.Context, e *env) (Finding, error) {
	const id = "parity.mapped_values"
	l, skip, err := e.parityReady(ctx)
	if err != nil || skip != "" {
		return Finding{Skipped: skip}, err
	}
	emailDiffers := fmt.Sprintf(`COALESCE(lower(trim(u.email)), '') <> COALESCE(lower(trim(CAST(l.%s AS TEXT))), '')`, l.email)
	hashDiffers := fmt.Sprintf(`(NOT m.temp_password AND COALESCE(u.password_hash, '') <> COALESCE(CAST(l.%s AS TEXT), ''))`, l.hash)
	joined := fmt.Sprintf(` FROM %s l JOIN dhmig_user_map m ON m.legacy_id = CAST(l.%s AS TEXT)`+
		` JOIN auth_users u ON u.id = m.user_id WHERE %s OR %s`, l.table, l.id, emailDiffers, hashDiffers)
	gone := fmt.Sprintf(`SELECT legacy_id FROM dhmig_user_map EXCEPT SELECT CAST(%s AS TEXT) FROM %s`, l.id, l.table)

	n, err := e.count(ctx, id, "SELECT COUNT(*)"+joined)
	if err != nil {
		return Finding{}, err
	}
	g, err := e.count(ctx, id, "SELECT COUNT(*) FROM ("+gone+") x")
	if err != nil {
		return Finding{}, err
	}
	f := Finding{Count: n + g, Examples: []Example{}}
	if n > 0 {
		f.Examples, err = e.examples(ctx, id, fmt.Sprintf(`SELECT CAST(u.id AS TEXT), u.email, 'legacy row ' || CAST(l.%s AS TEXT) || ': '`+
			` || CASE WHEN %s THEN CASE WHEN %s THEN 'email and password hash differ' ELSE 'email differs' END`+
			` ELSE 'password hash differs' END`, l.id, emailDiffers, hashDiffers)+
			joined+" ORDER BY u.id LIMIT ?", e.o.ExampleLimit)
		if err != nil {
			return f, err
		}
	}
	if room := e.o.ExampleLimit - len(f.Examples); g > 0 && room > 0 {
		more, err := e.examples(ctx, id, `SELECT CAST(m.user_id AS TEXT), u.email, 'legacy row ' || x.legacy_id || ': no longer exists'`+
			` FROM (`+gone+`) x JOIN dhmig_user_map m ON m.legacy_id = x.legacy_id JOIN auth_users u ON u.id = m.user_id`+
			` ORDER BY x.legacy_id LIMIT ?`, room)
		if err != nil {
			return f, err
		}
		f.Examples = append(f.Examples, more...)
	}
	return f, nil
}
