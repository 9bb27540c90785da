package usermigrate

import (
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestEmailRuleMatchesVerify: an email the copy accepts must pass verify's
// data.malformed_emails on both engines, or migrate would roll back.
func TestEmailRuleMatchesVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		for s, want := range emailCases {
			var ok bool
			q := db.Rebind(`SELECT CASE WHEN ` + db.Dialect.ValidEmailSQL("e") + ` THEN 1 ELSE 0 END = 1 FROM (SELECT CAST(? AS TEXT) AS e) s`)
			if err := db.Get(&ok, q, s); err != nil {
				if s == "a\x00@b.com" { // PostgreSQL text cannot hold NUL; the copy rejects it anyway
					continue
				}
				t.Fatalf("%q: %v", s, err)
			}
			if ok != want || validEmail(s) != ok {
				t.Errorf("%q: SQL rule %v, Go rule %v, want %v", s, ok, validEmail(s), want)
			}
		}
	})
}
