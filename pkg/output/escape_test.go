package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := map[string]string{
		"plain text, tabs\tand\nnewlines": "plain text, tabs\tand\nnewlines",
		"é — ü ✓":                         "é — ü ✓",
		"\x1b[2Kforged":                   `\u001b[2Kforged`,
		"a\rb\x00c\x07d\x7f":              `a\u000db\u0000c\u0007d\u007f`,
		"csi\u009b31m":                    `csi\u009b31m`,
		"rtl\u202eevil\u2066x\u200f":      `rtl\u202eevil\u2066x\u200f`,
		"bad\x9b\xffutf8":                 `bad\x9b\xffutf8`,
	}
	for in, want := range tests {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// The streams escape whatever reaches them, hold a UTF-8 sequence cut
// between writes until it completes, and keep JSON valid and exact.
func TestStreamsEscape(t *testing.T) {
	s, _, out, errOut := Test()
	for _, part := range []string{"x\x1b[1A", "\xe2", "\x80", "\xae", "é\xc3", "\xa9 ok\n"} {
		if _, err := s.Out.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	s.Flush()
	if got, want := out.String(), `x\u001b[1A`+`\u202e`+"éé ok\n"; got != want {
		t.Errorf("Out = %q, want %q", got, want)
	}

	claim := "sub\x1b]0;title\x07\u009b\u202e\x7f"
	if err := WriteJSON(s.ErrOut, map[string]string{"sub": claim}); err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := json.Unmarshal(errOut.Bytes(), &back); err != nil || back["sub"] != claim {
		t.Errorf("JSON through the stream: %v, %q (raw %q)", err, back["sub"], errOut.String())
	}
	if bytes.ContainsAny(errOut.Bytes(), "\x1b\x07\x7f") || strings.ContainsAny(errOut.String(), "\u009b\u202e") {
		t.Errorf("raw control characters in %q", errOut.String())
	}
}

// Escaping happens before the table is laid out, so columns still line up.
func TestTableEscapesCells(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, []string{"K", "V"}, [][]string{{"a\x1b[31m", "1"}, {"bb", "2"}}); err != nil {
		t.Fatal(err)
	}
	want := "K            V\n" + `a\u001b[31m` + "  1\nbb           2\n"
	if b.String() != want {
		t.Errorf("table =\n%q\nwant\n%q", b.String(), want)
	}
}

// A cell from the database that holds a line break stays on its row: it
// cannot pose as a row of its own.
func TestTableCellLineBreaksStayOnTheirRow(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, []string{"K", "V"}, [][]string{{"a\nok  0", "1"}, {"b\tc", "2"}}); err != nil {
		t.Fatal(err)
	}
	want := "K             V\n" + `a\u000aok  0` + "  1\n" + `b\u0009c` + "      2\n"
	if b.String() != want {
		t.Errorf("table =\n%q\nwant\n%q", b.String(), want)
	}
}
