package database

import "fmt"

// dialects is the engine registry: a new engine adds its Dialect here and
// its URL forms to urlForms.
var dialects = map[Kind]Dialect{
	SQLite:   sqliteDialect{},
	Postgres: postgresDialect{},
}

// DialectFor returns the dialect of a kind, or an error for a kind no
// engine registered.
func DialectFor(k Kind) (Dialect, error) {
	if d, ok := dialects[k]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("unsupported database kind %q", k)
}
