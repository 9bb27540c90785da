package database

import "fmt"

// SQLite has no regular expressions without an extension, so the rules are
// spelled with GLOB, length, substr and rtrim; checks_test.go proves they
// agree with PostgreSQL's regular expressions case by case.

const asciiLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

func (sqliteDialect) AcceptedBcryptSQL(expr string) string {
	return fmt.Sprintf(`(length(%[1]s) = 60 AND substr(%[1]s, 1, 4) IN ('$2a$', '$2b$', '$2y$')`+
		` AND substr(%[1]s, 5, 2) GLOB '[0-3][0-9]' AND substr(%[1]s, 5, 2) BETWEEN '04' AND '31'`+
		` AND substr(%[1]s, 7, 1) = '$' AND substr(%[1]s, 8) NOT GLOB '*[^./A-Za-z0-9]*')`, expr)
}

// ValidEmailSQL splits at the first @: the local part is non-empty and of
// [a-zA-Z0-9._%+-]; the domain is of [a-zA-Z0-9.-] (so no second @), and
// once its trailing letters are trimmed it still has a character and ends
// with a dot, with at least two letters trimmed — the regex's \.[a-zA-Z]{2,}$.
func (sqliteDialect) ValidEmailSQL(expr string) string {
	dom := fmt.Sprintf("substr(%[1]s, instr(%[1]s, '@') + 1)", expr)
	return fmt.Sprintf(`(instr(%[1]s, '@') > 1`+
		` AND substr(%[1]s, 1, instr(%[1]s, '@') - 1) NOT GLOB '*[^-a-zA-Z0-9._%%+]*'`+
		` AND %[2]s NOT GLOB '*[^-a-zA-Z0-9.]*'`+
		` AND rtrim(%[2]s, '%[3]s') GLOB '?*.'`+
		` AND length(%[2]s) - length(rtrim(%[2]s, '%[3]s')) >= 2`+
		` AND length(%[1]s) <= 254)`, expr, dom, asciiLetters)
}

// UnknownRolesSQL guards every JSON function behind CASE, which SQLite
// evaluates lazily: json_type and json_each raise errors on malformed JSON.
func (sqliteDialect) UnknownRolesSQL(expr string, n int) string {
	return fmt.Sprintf(`(CASE WHEN %[1]s IS NULL THEN 1 WHEN NOT json_valid(%[1]s) THEN 1`+
		` WHEN json_type(%[1]s) <> 'array' THEN 1 WHEN json_array_length(%[1]s) = 0 THEN 1`+
		` WHEN EXISTS (SELECT 1 FROM json_each(%[1]s) AS ur WHERE ur.type <> 'text' OR ur.value NOT IN (%[2]s)) THEN 1`+
		` ELSE 0 END = 1)`, expr, placeholders(n))
}

func (sqliteDialect) RolesTextSQL(expr string) string {
	return fmt.Sprintf("COALESCE(CAST(%s AS TEXT), 'NULL')", expr)
}

func (sqliteDialect) UnnestRolesSQL(expr, alias string) (string, string) {
	safe := fmt.Sprintf(`CASE WHEN json_valid(%[1]s) THEN CASE WHEN json_type(%[1]s) = 'array' THEN %[1]s ELSE '[]' END ELSE '[]' END`, expr)
	return fmt.Sprintf("json_each(%s) AS %s", safe, alias), alias + ".value"
}
