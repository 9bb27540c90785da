package smoke

import (
	"errors"
	"strings"
)

// tamper changes one character in the middle of a token's signature, so
// that it no longer verifies but still looks like a JWT. The last
// character is left alone: its low bits can be padding that a lenient
// decoder ignores, and a server that accepted such a "tampered" token would
// be right to.
func tamper(tok string) (string, error) {
	dot := strings.LastIndexByte(tok, '.')
	if dot < 0 || len(tok)-dot < 4 {
		return "", errors.New("the token has no signature to tamper with")
	}
	i := dot + (len(tok)-dot)/2
	b := []byte(tok)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b), nil
}
