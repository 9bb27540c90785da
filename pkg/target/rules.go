package target

import "unicode/utf8"

// Rules are the limits of one target's user table that the rule book's
// checks take as values: the copy, the preflight and verify (Go and SQL
// forms) all read them from the target, so they agree on every row.
type Rules struct {
	// MaxEmailLen is the longest email accepted, in bytes (every character
	// a valid email may hold is one byte).
	MaxEmailLen int
	// MaxUsernameLen is the longest username accepted, in characters
	// (Unicode code points): PostgreSQL's VARCHAR counts characters.
	MaxUsernameLen int
}

// ValidEmail reports whether the application would accept s, an email
// already trimmed: the email rule (EmailPattern) within r.MaxEmailLen bytes.
func (r Rules) ValidEmail(s string) bool { return len(s) <= r.MaxEmailLen && emailShape(s) }

// ValidUsername reports whether s, a username already trimmed and not
// empty, can be stored and read back by the application: valid UTF-8 (the
// app's drivers refuse to decode anything else), no control character
// (C0, DEL or C1: they corrupt a terminal or a log line, and PostgreSQL
// cannot store NUL) and at most r.MaxUsernameLen characters.
func (r Rules) ValidUsername(s string) bool {
	n, ok := usernameChars(s)
	return ok && n <= r.MaxUsernameLen
}

// UsernameTooLong reports whether s is well-formed text that is too long,
// as opposed to text that could never be a username.
func (r Rules) UsernameTooLong(s string) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) > r.MaxUsernameLen
}

// usernameChars counts the characters of s; ok is false when s is not
// valid UTF-8 or holds a control character.
func usernameChars(s string) (n int, ok bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				return n, false
			}
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r >= 0x80 && r <= 0x9F {
				return n, false
			}
			i += size
		}
		n++
	}
	return n, true
}
