package metrics

import "github.com/dhafnckmcp/dhmig/pkg/database"

// Dialect is the part of database.Dialect the counts use: the user
// table's counts (countDialect) and the read pass they run in.
type Dialect interface {
	countDialect
	database.Reader
}

// countDialect is what the user table's counts use: introspection and
// placeholders, the role fragments, and the roles column read as the
// target writes it.
type countDialect interface {
	roleDialect
	database.AppValues
}

// roleDialect expands role lists for the users the one-role counts missed.
type roleDialect interface {
	database.Core
	database.CheckSQL
}
