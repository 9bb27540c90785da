package output

import "io"

// StatusLine is one line of running figures on a terminal, rewritten in
// place (a load test's requests so far); off a terminal, or with
// --no-progress or --quiet, it writes nothing.
type StatusLine interface {
	Set(text string)
	// Done clears the line.
	Done()
}

type noStatus struct{}

func (noStatus) Set(string) {}
func (noStatus) Done()      {}

type termStatus struct{ w io.Writer }

// "\r" returns to the line's start, ESC[K erases to its end: the raw stream
// is used because the escaping one would print them.
func (t termStatus) Set(text string) { _, _ = io.WriteString(t.w, "\r\x1b[K"+Escape(text)) }
func (t termStatus) Done()           { _, _ = io.WriteString(t.w, "\r\x1b[K") }

// NewStatusLine returns a status line on ErrOut when it is a terminal and
// enabled, and a silent one otherwise.
func NewStatusLine(s *IOStreams, enabled bool) StatusLine {
	if !enabled || !s.IsStderrTTY() {
		return noStatus{}
	}
	return termStatus{w: s.rawErr()}
}
