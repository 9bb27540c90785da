package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text dhmig did not write — legacy rows, token claims, server messages —
// must not drive the terminal: an ESC sequence in a forged token's sub
// could rewrite the line that calls it forged. Escape makes every control
// character visible; JSON output stays valid because the escapes use JSON's
// \uXXXX form.

// Escape returns s with C0 controls (but newline and tab), DEL, C1 controls
// and bidirectional overrides written as \uXXXX, and bytes that are not
// UTF-8 as \xXX.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || unsafeRune(r) {
			return true
		}
		i += n
	}
	return false
}

func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // bidi marks and overrides: they reorder what the reader sees
	}
	return false
}

// escapeWriter escapes everything written through it. A UTF-8 sequence cut
// between two writes is held back until the rest arrives.
type escapeWriter struct {
	w     io.Writer
	carry []byte
}

func (e *escapeWriter) Write(p []byte) (int, error) {
	buf := append(e.carry, p...)
	keep := incompleteTail(buf)
	out := Escape(string(buf[:len(buf)-keep]))
	e.carry = append([]byte(nil), buf[len(buf)-keep:]...)
	if _, err := io.WriteString(e.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a held-back partial sequence, escaped: nothing completes it.
func (e *escapeWriter) Flush() error {
	if len(e.carry) == 0 {
		return nil
	}
	_, err := io.WriteString(e.w, Escape(string(e.carry)))
	e.carry = nil
	return err
}

// incompleteTail is how many bytes at the end of b begin a UTF-8 sequence
// that is not complete yet.
func incompleteTail(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		if utf8.RuneStart(b[len(b)-k]) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}
