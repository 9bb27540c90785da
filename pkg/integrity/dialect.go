package integrity

import "github.com/dhafnckmcp/dhmig/pkg/database"

// Dialect is the part of database.Dialect verify uses: the checks' own
// (checkDialect) and the read pass they run in.
type Dialect interface {
	checkDialect
	database.Reader
}

// checkDialect is what the checks use: introspection and placeholders, the
// rule book's SQL forms, and the roles column read as the target writes it.
type checkDialect interface {
	database.Core
	database.CheckSQL
	database.AppValues
}
