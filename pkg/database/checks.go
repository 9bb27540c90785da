package database

import (
	"strings"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// CheckSQL renders the SQL fragments that verify and metrics need and that
// differ between engines. Each method takes SQL expressions written by dhmig
// itself (qualified column names), never user input, and returns a fragment
// to splice into a set-based query.
type CheckSQL interface {
	// AcceptedBcryptSQL is a boolean expression, true when expr holds a hash
	// dhmig accepts as bcrypt: $2a$, $2b$ or $2y$, a two-digit cost 04–31,
	// and exactly 60 characters of the bcrypt alphabet ([./A-Za-z0-9]).
	// NULL when expr is NULL.
	AcceptedBcryptSQL(expr string) string
	// ValidEmailSQL is a boolean expression, true when expr matches the
	// application's own email rule (fastmcp's Email value object):
	// ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$ and at most maxLen
	// characters: the SQL form of target.Rules.ValidEmail. NULL when expr
	// is NULL.
	ValidEmailSQL(expr string, maxLen int) string
	// BytewiseSQL is the text expression expr under a collation that
	// orders and compares by bytes, as Go compares strings (PostgreSQL's
	// "C", SQLite's BINARY): what lets two databases' rows, each sorted by
	// legacy id, be merged in one pass.
	BytewiseSQL(expr string) string
	// TrimSQL is expr with target.Blanks trimmed from both ends: the SQL
	// form of target.Trim.
	TrimSQL(expr string) string
	// CanonEmailSQL is the SQL form of target.CanonEmail: trimmed, then
	// A–Z lowered, whatever the database's locale.
	CanonEmailSQL(expr string) string
	// ValidUsernameSQL is a boolean expression, the SQL form of
	// target.Rules.ValidUsername with that maxLen. NULL when expr is NULL.
	ValidUsernameSQL(expr string, maxLen int) string
	// PlausibleTimeSQL is a boolean expression over a timestamp column,
	// true when the value is plausible at now (target.PlausibleTime) and,
	// on SQLite, stored in the form the application's stack reads back
	// exactly (SQLiteTimeTextOK); args are the values of its ? parameters.
	// NULL when expr is NULL.
	PlausibleTimeSQL(expr string, now time.Time) (sql string, args []any)
	// UnknownRolesSQL is a boolean expression over the auth_users.roles
	// expression expr, true when the roles are NULL, empty, not a list, or
	// hold a value outside the known roles; args are the values of its ?
	// parameters, in order.
	UnknownRolesSQL(expr string, known []string) (sql string, args []any)
	// RolesTextSQL renders the roles expression as text for a report.
	RolesTextSQL(expr string) string
	// OneRoleSQL is a boolean expression over the auth_users.roles
	// expression expr, true when the roles are exactly a one-element list
	// of role in the form dhmig writes it (SQLite: the JSON text ["user"];
	// PostgreSQL: the array {user}); args are the values of its ?
	// parameters. It lets metrics count the common lists in one scan
	// without expanding them.
	OneRoleSQL(expr, role string) (sql string, args []any)
	// UnnestRolesSQL returns a FROM item (to follow CROSS JOIN) that expands
	// the roles expression into one row per role, under alias, and the
	// expression naming that role.
	UnnestRolesSQL(expr, alias string) (from, role string)
}

// blankSetLiteral is target.BlankSet as an SQL string literal. The set holds
// no quote, backslash or NUL, so it means the same on both engines
// whatever standard_conforming_strings says.
var blankSetLiteral = func() string {
	if strings.ContainsAny(target.BlankSet, "'\\\x00") {
		panic("database: target.BlankSet needs escaping in SQL")
	}
	return "'" + target.BlankSet + "'"
}()
