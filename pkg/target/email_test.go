package target

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// emailCases are judged by the application's rule; the SQL rule of verify
// must agree on every one (the rule-agreement tests at the top level).
var emailCases = map[string]bool{
	"a@example.com": true, "first.last+tag@sub.example.org": true, "A_B%c-d@x-y.io": true,
	"a..b@example.com":    true, // the app's rule allows it, so the copy does too
	"o'brien@example.com": false, "ünï@exämple.de": false, "a@b.c": false, "a@b": false,
	"": false, "plain": false, "@example.com": false, "a@": false, "a@@b.com": false,
	"a@b@c.com": false, "a b@c.com": false, "<a@b.com>": false, "a;drop@b.com": false, "a\x00@b.com": false,
	"a@b.com.": false, "a@b.c0m": false,
}

func TestValidEmail(t *testing.T) {
	for s, want := range emailCases {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", s, got, want)
		}
	}
}

// appEmailRE is the application's email rule as the application writes it:
// the oracle ValidEmail is held to.
var appEmailRE = regexp.MustCompile(`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`)

// appEmailOK is the whole rule: the expression and the length limit.
func appEmailOK(s string) bool { return appEmailRE.MatchString(s) && len(s) <= MaxEmailLen }

// TestValidEmailMatchesRule compares the hand-written matcher with the
// rule's regular expression on the cases above and on 200,000 near misses:
// valid addresses with characters deleted, inserted or replaced from an
// alphabet of everything the rule treats specially.
func TestValidEmailMatchesRule(t *testing.T) {
	alphabet := []string{"a", "Z", "0", ".", "_", "%", "+", "-", "@", "@", ".", ".", " ", "'", "é", "\x00", "\n", "1", "\xff"}
	seeds := []string{"a@example.com", "first.last+tag@sub.example.org", "A_B%c-d@x-y.io", "x@y.zz", "a@b.cd", "a@-.museum"}
	r := rand.New(rand.NewPCG(8, 1))
	check := func(s string) {
		if got, want := ValidEmail(s), appEmailOK(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, the rule says %v", s, got, want)
		}
	}
	for s := range emailCases {
		check(s)
	}
	for range 200000 {
		s := seeds[r.IntN(len(seeds))]
		for range 1 + r.IntN(3) {
			i := r.IntN(len(s) + 1)
			pick := alphabet[r.IntN(len(alphabet))]
			switch r.IntN(3) {
			case 0:
				if i < len(s) {
					s = s[:i] + s[i+1:]
				}
			case 1:
				s = s[:i] + pick + s[i:]
			default:
				if i < len(s) {
					s = s[:i] + pick + s[i+1:]
				}
			}
		}
		check(s)
	}
}
