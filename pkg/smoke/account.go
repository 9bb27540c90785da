package smoke

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Account is one auth_users row as the login path sees it, with what
// dhmig's bookkeeping says about it. PasswordHash is for comparisons only:
// nothing in this package prints it.
type Account struct {
	ID           string
	Email        string
	Username     string
	PasswordHash string
	// Status is "" when the column is NULL.
	Status   string
	Roles    []string
	Locked   bool
	Verified bool
	// Migrated is true when dhmig_user_map records the user; TempPassword
	// then says whether the copy gave a temporary password (must reset).
	Migrated     bool
	TempPassword bool
	LegacyID     string
}

// FindAccounts returns the auth_users rows whose email is email in its
// canonical form (target.CanonEmail): first by the stored value itself,
// which the email index answers, then, when none is stored canonically, by
// comparing canonical forms (a scan, for rows written with --email-case
// preserve or by someone else). It only reads.
func FindAccounts(ctx context.Context, q sqlx.QueryerContext, d Dialect, email string) ([]Account, error) {
	canon := target.CanonEmail(email)
	tables, err := d.Tables(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if !slices.Contains(tables, "auth_users") {
		return nil, ErrNoAuthSchema
	}
	mapped := slices.Contains(tables, "dhmig_user_map")
	accts, err := selectAccounts(ctx, q, d, mapped, "u.email = ?", canon)
	if err == nil && len(accts) == 0 {
		accts, err = selectAccounts(ctx, q, d, mapped, d.CanonEmailSQL("u.email")+" = ?", canon)
	}
	if err != nil {
		return nil, err
	}
	for i := range accts {
		if accts[i].Roles, err = accountRoles(ctx, q, d, accts[i].ID); err != nil {
			return nil, err
		}
	}
	return accts, nil
}

// maxAccounts bounds a lookup: more rows than this share one canonical
// email only in a database verify already fails.
const maxAccounts = 10

func selectAccounts(ctx context.Context, q sqlx.QueryerContext, d database.Core, mapped bool, where string, arg string) ([]Account, error) {
	// The bookkeeping columns come from subqueries so that a user mapped
	// twice (two legacy rows) is still one row; booleans are read through
	// CASE, which both engines evaluate alike (0/1 on SQLite, boolean on
	// PostgreSQL, NULL as false).
	book := `0, 0, ''`
	if mapped {
		book = `(SELECT COUNT(*) FROM dhmig_user_map m WHERE m.user_id = u.id),
			COALESCE((SELECT MAX(CASE WHEN m.temp_password THEN 1 ELSE 0 END) FROM dhmig_user_map m WHERE m.user_id = u.id), 0),
			COALESCE((SELECT MIN(m.legacy_id) FROM dhmig_user_map m WHERE m.user_id = u.id), '')`
	}
	query := `SELECT CAST(u.id AS TEXT), u.email, u.username, COALESCE(u.password_hash, ''), COALESCE(u.status, ''),
		CASE WHEN u.is_locked THEN 1 ELSE 0 END, CASE WHEN u.verified_at IS NULL THEN 0 ELSE 1 END, ` + book + `
		FROM auth_users u WHERE ` + where + ` ORDER BY u.email, u.id LIMIT ` + fmt.Sprint(maxAccounts)
	rows, err := q.QueryxContext(ctx, rebind(d, query), arg)
	if err != nil {
		return nil, fmt.Errorf("look up auth_users by email: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var locked, verified, temp int
		var maps int64
		if err := rows.Scan(&a.ID, &a.Email, &a.Username, &a.PasswordHash, &a.Status, &locked, &verified, &maps, &temp, &a.LegacyID); err != nil {
			return nil, fmt.Errorf("read auth_users row: %w", err)
		}
		a.Locked, a.Verified, a.Migrated, a.TempPassword = locked != 0, verified != 0, maps > 0, temp != 0
		out = append(out, a)
	}
	return out, rows.Err()
}

// accountRoles reads a user's roles through the dialect's own expansion of
// the roles column (a JSON list on SQLite, an array on PostgreSQL).
func accountRoles(ctx context.Context, q sqlx.QueryerContext, d Dialect, id string) ([]string, error) {
	from, role := d.UnnestRolesSQL("u.roles", "r")
	var roles []string
	query := `SELECT CAST(` + role + ` AS TEXT) FROM auth_users u CROSS JOIN ` + from + ` WHERE u.id = ?`
	if err := sqlx.SelectContext(ctx, q, &roles, rebind(d, query), id); err != nil {
		return nil, fmt.Errorf("read roles of auth user %s: %w", id, err)
	}
	return roles, nil
}

func rebind(d database.Core, query string) string {
	return sqlx.Rebind(sqlx.BindType(d.DriverName()), query)
}
