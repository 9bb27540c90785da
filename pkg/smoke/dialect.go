package smoke

import "github.com/dhafnckmcp/dhmig/pkg/database"

// Dialect is the part of database.Dialect an account lookup uses:
// introspection and placeholders, the SQL forms that canonicalise an
// email and expand a role list, and the roles column read as the target
// writes it.
type Dialect interface {
	database.Core
	database.CheckSQL
	database.AppValues
}
