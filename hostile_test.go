package dhmig_test

import (
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// hostileStrings is the fixed list the rule-agreement test holds every
// rule's Go and SQL forms equal on: values nobody picked, as years of web
// forms leave them. It is built from a grammar, in a fixed order, so the
// list is the same on every run (several hundred values).
func hostileStrings() []string {
	emails := []string{
		"name@example.com", "Name.Surname+Tag@Example.COM", "o'brien@example.com",
		"x'; DROP TABLE auth_users; --@example.com", "ÅSA@example.com", "straße@example.de",
		"İSTANBUL@example.com", "ıi@example.com", "ΣΑΣ@example.gr", "ς@example.gr", "ﬁle@example.com",
		"\u212Aelvin@example.com", "a@b.c", "a@b.co", "a..b@example.com", `"quoted"@example.com`,
	}
	usernames := []string{"alice", "Ålice Ström", "ΣΑΣ", "straße", "Robert'); DROP TABLE legacy_users;--", "bob smith", "🙂"}
	var out []string
	seeds := append(append([]string{}, emails[:3]...), usernames[:2]...)
	// Every blank, and the characters next to them that are not blanks, at
	// either end, at both, and inside.
	wraps := append(append([]rune{}, target.Blanks...), 0, 0x1B, 0x7F, 0x9B, 0x00AD, 0x2061, 0xFFFE, 'x')
	for _, s := range seeds {
		for _, r := range wraps {
			c := string(r)
			out = append(out, c+s, s+c, c+c+s+c, s[:1]+c+s[1:])
		}
	}
	out = append(out, emails...)
	out = append(out, usernames...)
	for _, s := range append(emails, usernames...) {
		out = append(out, strings.ToUpper(s), strings.ToLower(s), " \t"+strings.ToUpper(s)+"\r\n")
	}
	// Lengths at each limit, plus and minus one, in bytes and in characters.
	for _, n := range []int{target.MaxUsernameLen - 1, target.MaxUsernameLen, target.MaxUsernameLen + 1,
		target.Dhafnck.Rules.MaxUsernameLen - 1, target.Dhafnck.Rules.MaxUsernameLen, target.Dhafnck.Rules.MaxUsernameLen + 1} {
		out = append(out, strings.Repeat("u", n), strings.Repeat("é", n), strings.Repeat("🙂", n), " "+strings.Repeat("u", n)+" ")
	}
	for _, n := range []int{target.MaxEmailLen - 1, target.MaxEmailLen, target.MaxEmailLen + 1} {
		local := strings.Repeat("a", n-len("@example.com"))
		out = append(out, local+"@example.com", "\u00a0"+local+"@example.com", strings.ToUpper(local)+"@EXAMPLE.COM")
	}
	// Bytes that are not UTF-8 (SQLite stores them), NUL, control characters.
	out = append(out, "\xff", "abc\xc2", "\xc2", "\xa0abc", "\xc2\xc2\xa0", "abc\xe2\x80", "\xed\xa0\x80",
		"\xc0\xaf", "\xf4\x90\x80\x80", "\xef\xbf\xbd", "a\x00b", "\x00", "\x1b[31mred\x1b[0m", "tab\tinside",
		"a\u0085b", "a\u2028b", "", " ", "\u200b", "\ufeff\ufeff", "\u3000 \u3000")
	// Hashes, with stray whitespace and near misses.
	h := "$2b$12$" + strings.Repeat("abcXYZ./09", 5) + "abc"
	out = append(out, h, " "+h, h+"\n", "\u00a0"+h, h[:59], h+"a", strings.Replace(h, "$2b$", "$2x$", 1),
		strings.Replace(h, "$12$", "$03$", 1), strings.Replace(h, "$12$", "$32$", 1), "pbkdf2_sha256$600000$salt$abc",
		strings.ToUpper(h))
	// Timestamps in the forms legacy data and other writers use.
	out = append(out, "2024-01-02 03:04:05", "2024-01-02 03:04:05.5", "2024-01-02 03:04:05.500000",
		"2024-01-02T03:04:05", "2024-01-02 03:04:05+00:00", "2024-01-02 03:04:05.1234567", "2024-02-29 00:00:00",
		"2023-02-29 00:00:00", "2024-13-01 00:00:00", "2024-01-01 24:00:00", "1970-01-01 00:00:00",
		"1969-12-31 23:59:59.999999", "9999-12-31 23:59:59.999999", "0000-01-01 00:00:00", "55840-01-01 00:00:00",
		" 2024-01-02 03:04:05", "2024-01-02 03:04:05 ", "2024-1-2 3:4:5", "1700000000000")
	return out
}
