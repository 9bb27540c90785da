package database

import (
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// LockedSQL is target p's "account locked" as a boolean SQL expression
// over col(name), which qualifies a user-table column: its lock flag, or
// its locked-until time still ahead of now. Metrics counts by it and
// login-check judges by it, so the two agree on who is locked.
func LockedSQL(d Core, p *target.Profile, col func(string) string, now time.Time) (string, []any) {
	if c := p.Columns.LockedUntil; c != "" {
		return "(" + col(c) + " IS NOT NULL AND " + col(c) + " > ?)", []any{d.Timestamp(now)}
	}
	return col(p.Columns.LockedFlag), nil
}
