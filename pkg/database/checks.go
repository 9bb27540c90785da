package database

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
	// ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$ and at most 254
	// characters. NULL when expr is NULL.
	ValidEmailSQL(expr string) string
	// UnknownRolesSQL is a boolean expression over the auth_users.roles
	// expression expr, true when the roles are NULL, empty, not a list, or
	// hold a value outside the known roles, which the caller binds as n
	// consecutive ? parameters.
	UnknownRolesSQL(expr string, n int) string
	// RolesTextSQL renders the roles expression as text for a report.
	RolesTextSQL(expr string) string
	// UnnestRolesSQL returns a FROM item (to follow CROSS JOIN) that expands
	// the roles expression into one row per role, under alias, and the
	// expression naming that role.
	UnnestRolesSQL(expr, alias string) (from, role string)
}
