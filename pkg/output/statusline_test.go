package output

import "testing"

// A status line reaches a terminal only, and overwrites itself there.
func TestStatusLine(t *testing.T) {
	s, _, _, errOut := Test()
	NewStatusLine(s, true).Set("10 requests")
	if errOut.Len() != 0 {
		t.Errorf("a status line reached a non-terminal: %q", errOut.String())
	}
	s.SetTTY(false, true)
	NewStatusLine(s, false).Set("off")
	l := NewStatusLine(s, true)
	l.Set("10 requests\x1b[31m")
	l.Done()
	if got, want := errOut.String(), "\r\x1b[K10 requests\\u001b[31m\r\x1b[K"; got != want {
		t.Errorf("status line = %q, want %q", got, want)
	}
}

func TestEscapeLine(t *testing.T) {
	if got, want := EscapeLine("a\tb\nc\x1b"), `a\u0009b\u000ac\u001b`; got != want {
		t.Errorf("EscapeLine = %q, want %q", got, want)
	}
}

// Without a terminal there is no prompt; on one, the answer is a line.
func TestReadSecret(t *testing.T) {
	s, in, _, errOut := Test()
	if _, err := s.ReadSecret("pw: "); err != ErrNoTerminal {
		t.Fatalf("no terminal: %v", err)
	}
	s.SetTTY(true, true)
	in.WriteString("s3cret \r\n")
	pw, err := s.ReadSecret("pw: ")
	if err != nil || string(pw) != "s3cret " || errOut.String() != "pw: \n" {
		t.Errorf("pw %q, %v, stderr %q", pw, err, errOut.String())
	}
}
