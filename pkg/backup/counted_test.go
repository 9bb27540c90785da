package backup

import (
	"slices"
	"testing"
)

// TestCountedTablesEveryTarget: a manifest counts the legacy table and the
// user table of every target, so a backup of a dhafnck database says how
// many users it holds.
func TestCountedTablesEveryTarget(t *testing.T) {
	got := CountedTables()
	for _, want := range []string{"legacy_users", "auth_users", "users"} {
		if !slices.Contains(got, want) {
			t.Errorf("CountedTables() = %v, lacks %s", got, want)
		}
	}
	if got[0] != "legacy_users" || got[1] != "auth_users" {
		t.Errorf("CountedTables() = %v: the legacy table, then the guide's, as manifests listed them before", got)
	}
}
