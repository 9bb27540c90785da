package dhmig_test

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// appEmailRE is the application's email rule as the application writes it.
var appEmailRE = regexp.MustCompile(`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`)

// rule is one rule of the rule book: its Go form on a string, rendered as
// text, and its SQL form over the column x.
type rule struct {
	name    string
	goForm  func(s string) string
	sqlForm func(d database.Dialect, x string) (string, []any)
	// sqliteOnly: the rule is about values only SQLite holds.
	sqliteOnly bool
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func boolSQL(pred string) string {
	return "CASE WHEN " + pred + " THEN '1' WHEN NOT (" + pred + ") THEN '0' END"
}

// rulesAt are the rules at a fixed now (the timestamp rule needs one).
func rulesAt(now time.Time) []rule {
	return []rule{
		{name: "trim", goForm: target.Trim,
			sqlForm: func(d database.Dialect, x string) (string, []any) { return d.TrimSQL(x), nil }},
		{name: "canonical email", goForm: target.CanonEmail,
			sqlForm: func(d database.Dialect, x string) (string, []any) { return d.CanonEmailSQL(x), nil }},
		{name: "canonical username", goForm: target.CanonUsername,
			sqlForm: func(d database.Dialect, x string) (string, []any) { return d.TrimSQL(x), nil }},
		{name: "email rule", goForm: func(s string) string { return boolText(target.ValidEmail(s)) },
			sqlForm: func(d database.Dialect, x string) (string, []any) {
				return boolSQL(d.ValidEmailSQL(x, target.Guide.Rules.MaxEmailLen)), nil
			}},
		{name: "username rule", goForm: func(s string) string { return boolText(target.ValidUsername(s)) },
			sqlForm: func(d database.Dialect, x string) (string, []any) {
				return boolSQL(d.ValidUsernameSQL(x, target.Guide.Rules.MaxUsernameLen)), nil
			}},
		{name: "dhafnck email rule", goForm: func(s string) string { return boolText(target.Dhafnck.Rules.ValidEmail(s)) },
			sqlForm: func(d database.Dialect, x string) (string, []any) {
				return boolSQL(d.ValidEmailSQL(x, target.Dhafnck.Rules.MaxEmailLen)), nil
			}},
		{name: "dhafnck username rule", goForm: func(s string) string { return boolText(target.Dhafnck.Rules.ValidUsername(s)) },
			sqlForm: func(d database.Dialect, x string) (string, []any) {
				return boolSQL(d.ValidUsernameSQL(x, target.Dhafnck.Rules.MaxUsernameLen)), nil
			}},
		{name: "accepted hash", goForm: func(s string) string { return boolText(password.Accepted(s)) },
			sqlForm: func(d database.Dialect, x string) (string, []any) { return boolSQL(d.AcceptedBcryptSQL(x)), nil }},
		{name: "stored timestamp", sqliteOnly: true,
			goForm: func(s string) string {
				ok := database.SQLiteTimeTextOK(s) && s >= database.SQLiteTime(target.EarliestTime) &&
					s <= database.SQLiteTime(target.LatestTime(now))
				return boolText(ok)
			},
			sqlForm: func(d database.Dialect, x string) (string, []any) {
				p, args := d.PlausibleTimeSQL(x, now)
				return boolSQL(p), append(args, args...) // boolSQL writes p twice
			}},
	}
}

// storable reports whether the engine can hold s: PostgreSQL text is
// UTF-8 without NUL.
func storable(d database.Dialect, s string) bool {
	return d.Kind() == database.SQLite || utf8.ValidString(s) && !strings.Contains(s, "\x00")
}

// evalSQL evaluates one rule's SQL form on every value, in batches.
func evalSQL(t testing.TB, db *database.DB, r rule, values []string) []sql.NullString {
	t.Helper()
	out := make([]sql.NullString, 0, len(values))
	expr, args := r.sqlForm(db.Dialect, "v.x")
	for start := 0; start < len(values); start += 300 {
		batch := values[start:min(start+300, len(values))]
		parts := make([]string, len(batch))
		all := []any{}
		for i := range batch {
			parts[i] = "SELECT CAST(? AS INTEGER) AS i, CAST(? AS TEXT) AS x"
		}
		for i, v := range batch {
			all = append(all, i, v)
		}
		q := "SELECT CAST(" + expr + " AS TEXT) FROM (" + strings.Join(parts, " UNION ALL ") + ") v ORDER BY v.i"
		// The expression's own arguments come first in the text.
		q = sqlx.Rebind(sqlx.BindType(db.DriverName()), q)
		rows, err := db.QueryxContext(context.Background(), q, append(append([]any{}, args...), all...)...)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		for rows.Next() {
			var v sql.NullString
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) != len(values) {
		t.Fatalf("%s: %d results for %d values", r.name, len(out), len(values))
	}
	return out
}

// checkAgree fails for every value on which a rule's Go and SQL forms
// differ on db's engine.
func checkAgree(t testing.TB, db *database.DB, now time.Time, values []string) {
	t.Helper()
	var keep []string
	for _, v := range values {
		if storable(db.Dialect, v) {
			keep = append(keep, v)
		}
	}
	for _, r := range rulesAt(now) {
		if r.sqliteOnly && db.Dialect.Kind() != database.SQLite {
			continue
		}
		got := evalSQL(t, db, r, keep)
		for i, v := range keep {
			if want := r.goForm(v); !got[i].Valid || got[i].String != want {
				t.Errorf("%s of %q: SQL %q (valid %v), Go %q", r.name, v, got[i].String, got[i].Valid, want)
			}
		}
	}
}

// TestRulesAgreeOnHostileStrings holds every rule's Go form and its SQL
// form on both engines to the same answer on the fixed hostile list.
func TestRulesAgreeOnHostileStrings(t *testing.T) {
	values := hostileStrings()
	if len(values) < 300 {
		t.Fatalf("the hostile list has %d values, want several hundred", len(values))
	}
	now := time.Now()
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		checkAgree(t, dbtest.Open(t, tg), now, values)
	})
}

// TestEmailRuleIsTheApplications holds the hand-written email rule to the
// application's regular expression on the hostile list.
func TestEmailRuleIsTheApplications(t *testing.T) {
	for _, s := range hostileStrings() {
		want := appEmailRE.MatchString(s) && len(s) <= target.MaxEmailLen
		if got := target.ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, the application's rule says %v", s, got, want)
		}
	}
}

// FuzzRulesAgree explores beyond the fixed list (make fuzz); its corpus
// in testdata/fuzz/FuzzRulesAgree replays with make test.
func FuzzRulesAgree(f *testing.F) {
	for _, s := range hostileStrings() {
		f.Add(s)
	}
	now := time.Now()
	sqlite := dbtest.Open(f, dbtest.SQLite(f))
	pg := dbtest.Open(f, dbtest.Postgres(f))
	f.Fuzz(func(t *testing.T, s string) {
		if want := appEmailRE.MatchString(s) && len(s) <= target.MaxEmailLen; target.ValidEmail(s) != want {
			t.Errorf("ValidEmail(%q) = %v, the application's rule says %v", s, !want, want)
		}
		checkAgree(t, sqlite, now, []string{s})
		checkAgree(t, pg, now, []string{s})
	})
}
