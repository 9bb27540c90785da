package target

import "unicode/utf8"

// MaxUsernameLen is the longest username accepted, in characters (Unicode
// code points): auth_users.username is VARCHAR(100), and PostgreSQL's
// VARCHAR counts characters.
const MaxUsernameLen = 100

// CanonUsername is the form usernames are stored and compared on: trimmed,
// case kept.
func CanonUsername(s string) string { return Trim(s) }

// ValidUsername reports whether s, a username already trimmed and not
// empty, can be stored and read back by the application: valid UTF-8 (the
// app's drivers refuse to decode anything else), no control character
// (C0, DEL or C1: they corrupt a terminal or a log line, and PostgreSQL
// cannot store NUL) and at most MaxUsernameLen characters.
func ValidUsername(s string) bool {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				return false
			}
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r >= 0x80 && r <= 0x9F {
				return false
			}
			i += size
		}
		n++
	}
	return n <= MaxUsernameLen
}
