package target

import "strings"

// MaxEmailLen is the longest email accepted, in bytes: the application's
// limit (RFC 5321's 254), one below auth_users.email's VARCHAR(255). Every
// character a valid email may hold is one byte, so bytes are characters.
const MaxEmailLen = 254

// CanonEmail is the form emails are compared on (duplicates, conflicts,
// parity): trimmed, then A–Z lowered.
func CanonEmail(s string) string { return LowerASCII(Trim(s)) }

// ValidEmail is the guide target's email rule (Rules.ValidEmail with
// MaxEmailLen).
func ValidEmail(s string) bool { return Guide.Rules.ValidEmail(s) }

// emailShape reports whether s matches the application's own rule,
// ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$, length aside. Written
// out by hand: a regular expression costs a microsecond a row, the largest
// single cost of mapping a million rows; the tests hold the two to the
// same answers.
func emailShape(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 1 {
		return false
	}
	for i := 0; i < at; i++ {
		if !emailLocal[s[i]] {
			return false
		}
	}
	// The domain is [a-zA-Z0-9.-]+ then a dot and two or more letters: the
	// letters hold no dot, so that dot is the domain's last.
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	if dot < 1 || len(domain)-dot-1 < 2 {
		return false
	}
	for i := 0; i < dot; i++ {
		if !emailDomain[domain[i]] {
			return false
		}
	}
	for i := dot + 1; i < len(domain); i++ {
		if c := domain[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// EmailPattern is the application's email rule as a regular expression,
// spelled without backslashes so that it means the same to Go, to
// PostgreSQL whatever standard_conforming_strings says, and to Python.
const EmailPattern = `^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+[.][a-zA-Z]{2,}$`

// emailLocal and emailDomain are the byte classes of the local part and of
// the domain before its last dot; every other byte (any non-ASCII one too)
// is outside the rule.
var emailLocal, emailDomain = func() (l, d [256]bool) {
	for c := 0; c < 256; c++ {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		l[c] = alnum || strings.IndexByte("._%+-", byte(c)) >= 0
		d[c] = alnum || c == '.' || c == '-'
	}
	return l, d
}()
