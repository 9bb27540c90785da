package database_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// The rules as the application states them, as Go regular expressions: the
// SQL of both engines must agree with them on every string.
var (
	goBcryptRule = regexp.MustCompile(`^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$`)
	goEmailRule  = regexp.MustCompile(`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`)
)

func goEmailOK(s string) bool {
	return goEmailRule.MatchString(s) && utf8.RuneCountInString(s) <= 254
}

// mutate changes a few characters of s, drawing from alphabet, and
// sometimes cuts or extends it: near misses of a valid value.
func mutate(r *rand.Rand, s string, alphabet []string) string {
	runes := []string{}
	for _, c := range s {
		runes = append(runes, string(c))
	}
	for range r.IntN(3) {
		pick := alphabet[r.IntN(len(alphabet))]
		switch i := r.IntN(len(runes) + 1); r.IntN(4) {
		case 0:
			if i < len(runes) {
				runes = append(runes[:i], runes[i+1:]...)
			}
		case 1:
			runes = append(runes[:i], append([]string{pick}, runes[i:]...)...)
		default:
			if i < len(runes) {
				runes[i] = pick
			}
		}
	}
	return strings.Join(runes, "")
}

// evalMany evaluates a boolean fragment (over the column x) for every value
// in a few batched queries and returns the results in order.
func evalMany(t *testing.T, db *database.DB, pred string, values []string) []bool {
	t.Helper()
	out := make([]bool, 0, len(values))
	for start := 0; start < len(values); start += 400 {
		batch := values[start:min(start+400, len(values))]
		parts := make([]string, len(batch))
		args := make([]any, len(batch))
		for i, v := range batch {
			parts[i] = "SELECT CAST(? AS TEXT) AS x"
			args[i] = v
		}
		q := "SELECT CASE WHEN " + pred + " THEN 1 ELSE 0 END FROM (" + strings.Join(parts, " UNION ALL ") + ") v"
		rows, err := db.QueryxContext(context.Background(), sqlx.Rebind(sqlx.BindType(db.DriverName()), q), args...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v sql.NullInt64
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v.Int64 == 1)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) != len(values) {
		t.Fatalf("got %d results for %d values", len(out), len(values))
	}
	return out
}

// TestRulesAgreeOnRandomStrings compares each engine's bcrypt and email
// fragments with the Go statement of the rule on thousands of near misses.
func TestRulesAgreeOnRandomStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 4))
	hashAlphabet := strings.Split("$2abxy0134569./AZaz+-_ é\t", "")
	emailAlphabet := strings.Split("@.-_%+aZz09 é!#", "")
	validHash := "$2b$12$" + strings.Repeat("abcXYZ./09", 5) + "abc"
	validEmails := []string{"alice@example.com", "a.b-c_d%e+f@sub-1.example.io", "x@y.zz", "bob@-.museum",
		strings.Repeat("a", 242) + "@example.com"}
	var hashes, emails []string
	for range 1500 {
		hashes = append(hashes, mutate(r, validHash, hashAlphabet))
		emails = append(emails, mutate(r, validEmails[r.IntN(len(validEmails))], emailAlphabet))
	}
	hashes = append(hashes, validHash, "$2y$04$"+strings.Repeat("/", 53), "$2a$31$"+strings.Repeat("9", 53))
	emails = append(emails, validEmails...)
	// Both sets must hold valid and invalid values in fair numbers.
	for name, set := range map[string][]string{"hashes": hashes, "emails": emails} {
		valid := 0
		for _, s := range set {
			if goBcryptRule.MatchString(s) || goEmailOK(s) {
				valid++
			}
		}
		if valid < len(set)/10 || valid > len(set)*9/10 {
			t.Fatalf("%s: %d of %d valid, want a mix", name, valid, len(set))
		}
	}
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		for i, ok := range evalMany(t, db, db.Dialect.AcceptedBcryptSQL("v.x"), hashes) {
			if want := goBcryptRule.MatchString(hashes[i]); ok != want {
				t.Errorf("hash %q: SQL accepts %v, the rule says %v", hashes[i], ok, want)
			}
		}
		for i, ok := range evalMany(t, db, db.Dialect.ValidEmailSQL("v.x", target.MaxEmailLen), emails) {
			if want := goEmailOK(emails[i]); ok != want {
				t.Errorf("email %q: SQL accepts %v, the rule says %v", emails[i], ok, want)
			}
		}
	})
}
