package output

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the three streams a command may use: results to Out, logs,
// prompts and progress to ErrOut. Out and ErrOut escape control characters
// (Escape), so no command can print untrusted text raw by forgetting to.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// rawErrOut is stderr unescaped, for the progress bar's own \r and
	// ESC sequences.
	rawErrOut io.Writer
	flush     []*escapeWriter

	stdinTTY  bool
	stderrTTY bool
}

func newStreams(in io.Reader, out, errOut io.Writer) *IOStreams {
	eo, ee := &escapeWriter{w: out}, &escapeWriter{w: errOut}
	return &IOStreams{In: in, Out: eo, ErrOut: ee, rawErrOut: errOut, flush: []*escapeWriter{eo, ee}}
}

// System returns the process's streams, noting which are terminals.
func System() *IOStreams {
	s := newStreams(os.Stdin, os.Stdout, os.Stderr)
	s.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	s.stderrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	return s
}

// Test returns in-memory streams for tests, with no terminal.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return newStreams(in, out, errOut), in, out, errOut
}

// Flush writes what the escaping writers hold back (a UTF-8 sequence cut
// by the last write); call it before exiting.
func (s *IOStreams) Flush() {
	for _, w := range s.flush {
		_ = w.Flush()
	}
}

// SetTTY marks stdin and stderr as terminals (tests of prompts and bars).
func (s *IOStreams) SetTTY(stdin, stderr bool) { s.stdinTTY, s.stderrTTY = stdin, stderr }

// CanPrompt reports whether a person can answer a question on stdin.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

// IsStderrTTY reports whether stderr is a terminal (progress bars).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }
