package usermigrate

import (
	"strings"
	"testing"
)

// TestNumericLooking: the compact ids SQLite would store as numbers (its
// UUID columns have NUMERIC affinity) are the 32-digit ones with no hex
// letter but e; those are drawn again, every other id is kept.
func TestNumericLooking(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{strings.Repeat("1", 32), true},
		{"1e" + strings.Repeat("0", 30), true},
		{"1a" + strings.Repeat("0", 30), false},
		{strings.Repeat("0", 31) + "f", false},
		{strings.Repeat("1", 31), false},
		{"11111111-1111-1111-1111-111111111111", false},
	} {
		if got := numericLooking(tc.id); got != tc.want {
			t.Errorf("numericLooking(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
