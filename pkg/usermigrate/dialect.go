package usermigrate

import "github.com/dhafnckmcp/dhmig/pkg/database"

// The parts of database.Dialect the copy uses, each asked for by what
// needs it.
type (
	// copyDialect is the written database's: introspected, loaded in
	// bulk, read in byte order, given the values the target's
	// application writes.
	copyDialect interface {
		sourceDialect
		database.AppValues
	}
	// sourceDialect is the legacy table's database's: introspected, walked
	// with a cursor, read in byte order.
	sourceDialect interface {
		queryDialect
		database.Bulk
	}
	// queryDialect builds the statements that read the legacy table.
	queryDialect interface {
		database.Core
		database.CheckSQL
	}
	// valueDialect encodes one user's values.
	valueDialect interface {
		database.Core
		database.AppValues
	}
)
