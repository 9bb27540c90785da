package integrity_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
)

// TestParityComparesEmailsCanonically: the email comparison settles
// identical values at once and compares the rest lowercased and trimmed, so
// a legacy email in another case passes and a changed one fails.
func TestParityComparesEmailsCanonically(t *testing.T) {
	cases := []struct {
		name, legacySQL, userSQL string
		mismatched               int64
		detail                   string
	}{
		{name: "legacy email in capitals with blanks", legacySQL: `UPDATE legacy_users SET email = '  ALICE@Example.com ' WHERE id = 1`},
		{name: "user changed email", userSQL: `UPDATE auth_users SET email = 'alice.new@example.com' WHERE email = 'alice@example.com'`,
			mismatched: 1, detail: "legacy row 1: email differs"},
		{name: "legacy email NULL", legacySQL: `UPDATE legacy_users SET email = NULL WHERE id = 1`,
			mismatched: 1, detail: "legacy row 1: email differs"},
	}
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		for _, c := range cases {
			t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
				db := dbtest.Open(t, dbtest.Fresh(t, tg))
				integritytest.Migrated(t, db)
				for _, q := range []string{c.legacySQL, c.userSQL} {
					if q != "" {
						integritytest.Exec(t, db, q)
					}
				}
				rep, _ := integrity.Run(context.Background(), db, db.Dialect,
					integrity.Options{Only: []string{"parity.legacy_rows", "parity.mapped_values"}})
				if len(rep.Checks) != 2 || rep.Checks[0].Count != 0 {
					t.Fatalf("legacy_rows must pass: %+v", rep.Checks)
				}
				got := rep.Checks[1]
				if got.Count != c.mismatched {
					t.Fatalf("mapped_values count = %d, want %d (%+v)", got.Count, c.mismatched, got)
				}
				if c.detail != "" && (len(got.Examples) != 1 || got.Examples[0].Detail != c.detail) {
					t.Fatalf("examples = %+v, want one with detail %q", got.Examples, c.detail)
				}
			})
		}
	})
}
