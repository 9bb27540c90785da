package database

import (
	"fmt"
	"strings"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// The patterns avoid backslashes ([$], [.]) so that they mean the same
// whatever standard_conforming_strings says.
const (
	pgBcryptOutsideTail = `[^./A-Za-z0-9]`
)

// pgBcryptCosts are the accepted cost fields with the dollar after them.
var pgBcryptCosts = func() string {
	var c []string
	for cost := 4; cost <= 31; cost++ {
		c = append(c, fmt.Sprintf("'%02d$'", cost))
	}
	return strings.Join(c, ", ")
}()

// AcceptedBcryptSQL checks the length and the seven-character prefix with
// plain comparisons and leaves only the 53-character tail to a regular
// expression, which looks for a character outside the alphabet (the length
// already makes the tail non-empty): cheaper than one regular expression
// over the whole hash, and than matching ^[./A-Za-z0-9]+$ or a counted
// repeat such as {53} (docs/performance.md). The length is counted in
// bytes: length() decodes UTF-8 to count characters, and every character
// the rest accepts is one byte, so 60 bytes that pass it are 60
// characters.
func (postgresDialect) AcceptedBcryptSQL(expr string) string {
	return fmt.Sprintf("(octet_length(%[1]s) = 60 AND left(%[1]s, 4) IN ('$2a$', '$2b$', '$2y$')"+
		" AND substr(%[1]s, 5, 3) IN (%[2]s) AND substr(%[1]s, 8) !~ '%[3]s')", expr, pgBcryptCosts, pgBcryptOutsideTail)
}

// ValidEmailSQL counts the length in bytes, as AcceptedBcryptSQL does: the
// pattern admits only one-byte characters.
func (postgresDialect) ValidEmailSQL(expr string, maxLen int) string {
	return fmt.Sprintf("(%[1]s ~ '%[2]s' AND octet_length(%[1]s) <= %[3]d)", expr, target.EmailPattern, maxLen)
}

// BytewiseSQL: the "C" collation compares the encoded bytes; an index of a
// column declared COLLATE "C" (dhmig_user_map.legacy_id) still serves it.
func (postgresDialect) BytewiseSQL(expr string) string {
	return fmt.Sprintf(`(%s) COLLATE "C"`, expr)
}

// TrimSQL: btrim(x, set) removes any character of set from both ends.
func (postgresDialect) TrimSQL(expr string) string {
	return fmt.Sprintf("btrim(%s, %s)", expr, blankSetLiteral)
}

// CanonEmailSQL lowers under the C collation, where lower() maps A–Z only
// whatever the database's locale (as target.LowerASCII does).
func (d postgresDialect) CanonEmailSQL(expr string) string {
	return fmt.Sprintf(`lower(%s COLLATE "C")`, d.TrimSQL(expr))
}

// ValidUsernameSQL: PostgreSQL text is always valid UTF-8 without NUL, so
// what remains is the length in characters and the control characters,
// a class built with chr() so that no backslash depends on
// standard_conforming_strings (the planner folds it to a constant).
func (postgresDialect) ValidUsernameSQL(expr string, maxLen int) string {
	return fmt.Sprintf(`(char_length(%[1]s) <= %[2]d AND %[1]s !~ ('[' || chr(1) || '-' || chr(31) || chr(127) || '-' || chr(159) || ']'))`,
		expr, maxLen)
}

func (postgresDialect) PlausibleTimeSQL(expr string, now time.Time) (string, []any) {
	return fmt.Sprintf("(%[1]s >= ? AND %[1]s <= ?)", expr),
		[]any{target.EarliestTime, target.LatestTime(now)}
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
