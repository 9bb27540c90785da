package smoke

import (
	"strings"
	"unicode/utf8"
)

// maxDetail bounds how much of a server's message a report quotes.
const maxDetail = 120

// scrub makes a server's message fit for a report: the password and the
// tokens this run holds masked (a broken server may echo them back), cut to
// maxDetail characters. The streams escape control characters.
func scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	if utf8.RuneCountInString(s) > maxDetail {
		r := []rune(s)
		s = string(r[:maxDetail]) + "…"
	}
	return s
}
