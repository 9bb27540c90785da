package database

import "fmt"

// The bcrypt and email rules are C functions registered on every SQLite
// connection (checks_sqlite_funcs.go); checks_test.go proves they agree with
// PostgreSQL's regular expressions case by case.

func (sqliteDialect) AcceptedBcryptSQL(expr string) string {
	return fmt.Sprintf("dhmig_bcrypt_ok(%s)", expr)
}

func (sqliteDialect) ValidEmailSQL(expr string) string {
	return fmt.Sprintf("dhmig_email_ok(%s)", expr)
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
