package database

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// The bcrypt and email rules are C functions registered on every SQLite
// connection (checks_sqlite_funcs.go); checks_test.go proves they agree with
// PostgreSQL's regular expressions case by case.

func (sqliteDialect) AcceptedBcryptSQL(expr string) string {
	return fmt.Sprintf("dhmig_bcrypt_ok(%s)", expr)
}

func (sqliteDialect) ValidEmailSQL(expr string, maxLen int) string {
	return fmt.Sprintf("dhmig_email_ok(%s, %d)", expr, maxLen)
}

// BytewiseSQL: BINARY is memcmp on the text; said outright because a
// CAST keeps the collation of the column inside it (a legacy id declared
// COLLATE NOCASE would otherwise sort case-insensitively).
func (sqliteDialect) BytewiseSQL(expr string) string {
	return fmt.Sprintf(`(%s) COLLATE BINARY`, expr)
}

// TrimSQL is SQLite's trim(x, set) (it compares encoded bytes at each
// end, as target.Trim does) without its cost on the common value: the
// set is target.BlankSet, handed over as a constant.
func (sqliteDialect) TrimSQL(expr string) string {
	return fmt.Sprintf("dhmig_trim(%s, %s)", expr, blankSetLiteral)
}

// CanonEmailSQL is lower(trim(x, set)) in one call: SQLite's lower()
// maps A–Z only (no ICU here), as target.LowerASCII does.
func (sqliteDialect) CanonEmailSQL(expr string) string {
	return fmt.Sprintf("dhmig_canon_email(%s, %s)", expr, blankSetLiteral)
}

func (sqliteDialect) ValidUsernameSQL(expr string, maxLen int) string {
	return fmt.Sprintf("dhmig_username_ok(%s, %d)", expr, maxLen)
}

// PlausibleTimeSQL: dhmig_time_ok checks the stored form and compares the
// text with the bounds (in that form, text order is time order).
func (d sqliteDialect) PlausibleTimeSQL(expr string, now time.Time) (string, []any) {
	return fmt.Sprintf("dhmig_time_ok(%s, ?, ?)", expr),
		[]any{d.Timestamp(target.EarliestTime), d.Timestamp(target.LatestTime(now))}
}

// UnknownRolesSQL guards every JSON function behind CASE, which SQLite
// evaluates lazily: json_type and json_each raise errors on malformed JSON.
// Its first branch is a fast path: a value that is exactly the JSON text of
// a one-element list of a known role (what dhmig writes: ["user"]) is known
// without parsing it: nearly every row takes it, and parsing JSON is what
// the check costs. Any other value, including the same list spelled with
// blanks, takes the full test.
func (sqliteDialect) UnknownRolesSQL(expr string, known []string) (string, []any) {
	args := make([]any, 0, 2*len(known))
	for _, k := range known {
		single, err := json.Marshal([]string{k})
		if err != nil { // a []string always marshals
			panic(err)
		}
		args = append(args, string(single))
	}
	args = append(args, anys(known)...)
	return fmt.Sprintf(`(CASE WHEN %[1]s IS NULL THEN 1 WHEN %[1]s IN (%[2]s) THEN 0 WHEN NOT json_valid(%[1]s) THEN 1`+
		` WHEN json_type(%[1]s) <> 'array' THEN 1 WHEN json_array_length(%[1]s) = 0 THEN 1`+
		` WHEN EXISTS (SELECT 1 FROM json_each(%[1]s) AS ur WHERE ur.type <> 'text' OR ur.value NOT IN (%[2]s)) THEN 1`+
		` ELSE 0 END = 1)`, expr, placeholders(len(known))), args
}

func (sqliteDialect) OneRoleSQL(expr, role string) (string, []any) {
	single, err := json.Marshal([]string{role})
	if err != nil { // a []string always marshals
		panic(err)
	}
	return fmt.Sprintf("(%s = ?)", expr), []any{string(single)}
}

func (sqliteDialect) RolesTextSQL(expr string) string {
	return fmt.Sprintf("COALESCE(CAST(%s AS TEXT), 'NULL')", expr)
}

func (sqliteDialect) UnnestRolesSQL(expr, alias string) (string, string) {
	safe := fmt.Sprintf(`CASE WHEN json_valid(%[1]s) THEN CASE WHEN json_type(%[1]s) = 'array' THEN %[1]s ELSE '[]' END ELSE '[]' END`, expr)
	return fmt.Sprintf("json_each(%s) AS %s", safe, alias), alias + ".value"
}
