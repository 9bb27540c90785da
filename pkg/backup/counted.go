package backup

import "github.com/dhafnckmcp/dhmig/pkg/target"

// CountedTables are the tables whose rows a manifest counts when they
// exist: the legacy table and every target's user table (auth_users,
// users), so that a backup says how many users it holds whichever schema
// the database has.
func CountedTables() []string {
	out := []string{"legacy_users"}
	for _, name := range target.Names() {
		p, err := target.Lookup(name)
		if err == nil && p.Users != "" {
			out = append(out, p.Users)
		}
	}
	return out
}
