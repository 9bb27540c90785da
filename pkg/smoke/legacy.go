package smoke

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// LegacySource names the legacy table and the columns login-check reads:
// validated identifiers, always quoted.
type LegacySource struct {
	// Table defaults to legacy_users, ID to id, Email to email.
	Table, ID, Email string
}

func (s LegacySource) normalize() (LegacySource, error) {
	if s.Table == "" {
		s.Table = "legacy_users"
	}
	if s.ID == "" {
		s.ID = "id"
	}
	if s.Email == "" {
		s.Email = "email"
	}
	for _, name := range []string{s.Table, s.ID, s.Email} {
		if err := database.ValidateIdent(name); err != nil {
			return s, fmt.Errorf("legacy source: %w", err)
		}
	}
	return s, nil
}

// What became of a legacy row.
const (
	LegacyMigrated = "migrated"
	LegacyRejected = "rejected"
	// LegacyPending: neither migrated nor rejected — the row arrived after
	// the last run (run dhmig migrate again).
	LegacyPending = "not_migrated"
)

// LegacyRow is a legacy row whose email has the canonical form asked
// about, and its fate: ids and reject codes only, never values.
type LegacyRow struct {
	LegacyID string `json:"legacy_id"`
	State    string `json:"state"`
	// Code and Field are the dhmig_rejects entry of a rejected row.
	Code  string `json:"code,omitempty"`
	Field string `json:"field,omitempty"`
	// UserID is the auth user a migrated row became.
	UserID string `json:"user_id,omitempty"`
}

// maxLegacyRows bounds the legacy rows reported for one email.
const maxLegacyRows = 10

// findLegacy returns the legacy rows with this canonical email; found is
// false when there is no legacy table to look in. Rows without an id cannot
// be told apart and are left out (verify's parity check counts them).
func findLegacy(ctx context.Context, q sqlx.QueryerContext, d Dialect, tables []string, src LegacySource, email string) (rows []LegacyRow, found bool, err error) {
	if !slices.Contains(tables, src.Table) {
		return nil, false, nil
	}
	qi := d.QuoteIdent
	query := fmt.Sprintf(`SELECT CAST(l.%[2]s AS TEXT) FROM %[1]s l WHERE l.%[2]s IS NOT NULL AND %[3]s = ? ORDER BY CAST(l.%[2]s AS TEXT) LIMIT %[4]d`,
		qi(src.Table), qi(src.ID), d.CanonEmailSQL("CAST(l."+qi(src.Email)+" AS TEXT)"), maxLegacyRows)
	var ids []string
	if err := sqlx.SelectContext(ctx, q, &ids, rebind(d, query), target.CanonEmail(email)); err != nil {
		return nil, true, fmt.Errorf("look up %s by email: %w", src.Table, err)
	}
	hasMap, hasRejects := slices.Contains(tables, "dhmig_user_map"), slices.Contains(tables, "dhmig_rejects")
	for _, id := range ids {
		r := LegacyRow{LegacyID: id, State: LegacyPending}
		if hasMap {
			var users []string
			if err := sqlx.SelectContext(ctx, q, &users, rebind(d, `SELECT CAST(user_id AS TEXT) FROM dhmig_user_map WHERE legacy_id = ?`), id); err != nil {
				return nil, true, fmt.Errorf("look up dhmig_user_map: %w", err)
			}
			if len(users) > 0 {
				r.State, r.UserID = LegacyMigrated, users[0]
			}
		}
		if r.State == LegacyPending && hasRejects {
			var rej []struct {
				Code  string  `db:"code"`
				Field *string `db:"field"`
			}
			if err := sqlx.SelectContext(ctx, q, &rej, rebind(d, `SELECT code, field FROM dhmig_rejects WHERE legacy_id = ? ORDER BY code`), id); err != nil {
				return nil, true, fmt.Errorf("look up dhmig_rejects: %w", err)
			}
			if len(rej) > 0 {
				r.State, r.Code = LegacyRejected, rej[0].Code
				if rej[0].Field != nil {
					r.Field = *rej[0].Field
				}
			}
		}
		rows = append(rows, r)
	}
	return rows, true, nil
}
