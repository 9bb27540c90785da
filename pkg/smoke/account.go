package smoke

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Account is one row of a target's user table as the login path sees it, with what
// dhmig's bookkeeping says about it. PasswordHash is for comparisons only:
// nothing in this package prints it.
type Account struct {
	ID           string
	Email        string
	Username     string
	PasswordHash string
	// Status is "" when the column is NULL.
	Status string
	Roles  []string
	// Locked: the target's lock (is_locked, or locked_until ahead of the
	// time of the lookup). Verified: its email verification (verified_at
	// set, or the email_verified flag the app checks).
	Locked   bool
	Verified bool
	// Migrated is true when dhmig_user_map records the user; TempPassword
	// then says whether the copy gave a temporary password (must reset).
	Migrated     bool
	TempPassword bool
	LegacyID     string
}

// FindAccounts returns the rows of target p's user table (nil: the
// guide's auth_users) whose email is email in its canonical form
// (target.CanonEmail): first by the stored value itself, which the email
// index answers, then, when none is stored canonically, by comparing
// canonical forms (a scan, for rows written with --email-case preserve or
// by someone else). A lock is judged at now. It only reads.
func FindAccounts(ctx context.Context, q sqlx.QueryerContext, d Dialect, p *target.Profile, email string, now time.Time) ([]Account, error) {
	if p == nil {
		p = target.Guide
	}
	canon := target.CanonEmail(email)
	tables, err := d.Tables(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if !slices.Contains(tables, p.Users) {
		return nil, noUsersTable(p)
	}
	l := lookup{d: d, p: p, mapped: slices.Contains(tables, "dhmig_user_map"), now: now}
	accts, err := l.accounts(ctx, q, "u.email = ?", canon)
	if err == nil && len(accts) == 0 {
		accts, err = l.accounts(ctx, q, d.CanonEmailSQL("u.email")+" = ?", canon)
	}
	if err != nil {
		return nil, err
	}
	for i := range accts {
		if accts[i].Roles, err = l.roles(ctx, q, accts[i].ID); err != nil {
			return nil, err
		}
	}
	return accts, nil
}

// noUsersTable is ErrNoAuthSchema naming the target's table.
func noUsersTable(p *target.Profile) error {
	if p == target.Guide {
		return ErrNoAuthSchema
	}
	return fmt.Errorf("%w: %s does not exist (run dhmig migrate --target %s first)", ErrNoAuthSchema, p.Users, p.Name)
}

// lookup reads accounts from one target's user table.
type lookup struct {
	d      Dialect
	p      *target.Profile
	mapped bool
	now    time.Time
}

// maxAccounts bounds a lookup: more rows than this share one canonical
// email only in a database verify already fails.
const maxAccounts = 10

func (l lookup) accounts(ctx context.Context, q sqlx.QueryerContext, where string, arg string) ([]Account, error) {
	// The bookkeeping columns come from subqueries so that a user mapped
	// twice (two legacy rows) is still one row; booleans are read through
	// CASE, which both engines evaluate alike (0/1 on SQLite, boolean on
	// PostgreSQL, NULL as false).
	book := `0, 0, ''`
	if l.mapped {
		book = `(SELECT COUNT(*) FROM dhmig_user_map m WHERE m.user_id = u.id),
			COALESCE((SELECT MAX(CASE WHEN m.temp_password THEN 1 ELSE 0 END) FROM dhmig_user_map m WHERE m.user_id = u.id), 0),
			COALESCE((SELECT MIN(m.legacy_id) FROM dhmig_user_map m WHERE m.user_id = u.id), '')`
	}
	u := func(c string) string { return "u." + c }
	locked, args := database.LockedSQL(l.d, l.p, u, l.now)
	verified := "u." + l.p.Columns.VerifiedAt + " IS NOT NULL"
	if flag := l.p.Columns.VerifiedFlag; flag != "" {
		verified = "u." + flag // what the app checks at login
	}
	query := `SELECT CAST(u.id AS TEXT), u.email, u.username, COALESCE(u.password_hash, ''), COALESCE(u.status, ''),
		CASE WHEN ` + locked + ` THEN 1 ELSE 0 END, CASE WHEN ` + verified + ` THEN 1 ELSE 0 END, ` + book + `
		FROM ` + l.p.Users + ` u WHERE ` + where + ` ORDER BY u.email, u.id LIMIT ` + fmt.Sprint(maxAccounts)
	rows, err := q.QueryxContext(ctx, rebind(l.d, query), append(args, arg)...)
	if err != nil {
		return nil, fmt.Errorf("look up %s by email: %w", l.p.Users, err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var locked, verified, temp int
		var maps int64
		if err := rows.Scan(&a.ID, &a.Email, &a.Username, &a.PasswordHash, &a.Status, &locked, &verified, &maps, &temp, &a.LegacyID); err != nil {
			return nil, fmt.Errorf("read %s row: %w", l.p.Users, err)
		}
		a.Locked, a.Verified, a.Migrated, a.TempPassword = locked != 0, verified != 0, maps > 0, temp != 0
		out = append(out, a)
	}
	return out, rows.Err()
}

// roles reads a user's roles through the dialect's own expansion of the
// roles column (a JSON list on SQLite, an array on PostgreSQL, which a
// JSON list is turned into first).
func (l lookup) roles(ctx context.Context, q sqlx.QueryerContext, id string) ([]string, error) {
	from, role := l.d.UnnestRolesSQL(l.d.RolesListSQL("u.roles", l.p.Roles.JSON), "r")
	var roles []string
	query := `SELECT CAST(` + role + ` AS TEXT) FROM ` + l.p.Users + ` u CROSS JOIN ` + from + ` WHERE u.id = ?`
	if err := sqlx.SelectContext(ctx, q, &roles, rebind(l.d, query), id); err != nil {
		return nil, fmt.Errorf("read roles of user %s: %w", id, err)
	}
	return roles, nil
}

func rebind(d database.Core, query string) string {
	return sqlx.Rebind(sqlx.BindType(d.DriverName()), query)
}
