package smoke

import (
	"unicode/utf8"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// maxDetail bounds how much of a server's message a report quotes.
const maxDetail = 120

// scrub makes a server's message fit for a report: the password and the
// tokens this run holds masked (a broken server may echo them back), cut to
// maxDetail characters. The streams escape control characters.
func scrub(s string, secrets ...string) string {
	s = database.Redact(s, secrets...)
	if utf8.RuneCountInString(s) > maxDetail {
		r := []rune(s)
		s = string(r[:maxDetail]) + "…"
	}
	return s
}
