package database

import (
	"fmt"
	"strings"
)

// The patterns avoid backslashes ([$], [.]) so that they mean the same
// whatever standard_conforming_strings says. The bcrypt pattern checks the
// length separately: a counted repeat ({53}) makes PostgreSQL's regex engine
// several times slower on a million rows.
const (
	pgBcryptPattern = `^[$]2[aby][$](0[4-9]|[12][0-9]|3[01])[$][./A-Za-z0-9]+$`
	pgEmailPattern  = `^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+[.][a-zA-Z]{2,}$`
)

func (postgresDialect) AcceptedBcryptSQL(expr string) string {
	return fmt.Sprintf("(length(%s) = 60 AND %s ~ '%s')", expr, expr, pgBcryptPattern)
}

func (postgresDialect) ValidEmailSQL(expr string) string {
	return fmt.Sprintf("(%s ~ '%s' AND length(%s) <= 254)", expr, pgEmailPattern, expr)
}

func (postgresDialect) UnknownRolesSQL(expr string, known []string) (string, []any) {
	// <@ treats a NULL element as not contained, so it is unknown too.
	return fmt.Sprintf("(%s IS NULL OR cardinality(%s) = 0 OR NOT (%s <@ ARRAY[%s]::text[]))",
		expr, expr, expr, placeholders(len(known))), anys(known)
}

func (postgresDialect) OneRoleSQL(expr, role string) (string, []any) {
	return fmt.Sprintf("(%s = ARRAY[?]::text[])", expr), []any{role}
}

func (postgresDialect) RolesTextSQL(expr string) string {
	return fmt.Sprintf("COALESCE(CAST(%s AS TEXT), 'NULL')", expr)
}

func (postgresDialect) UnnestRolesSQL(expr, alias string) (string, string) {
	return fmt.Sprintf("unnest(%s) AS %s(role)", expr, alias), alias + ".role"
}

// anys converts strings to query arguments.
func anys(vals []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// placeholders is n comma-separated ? marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
