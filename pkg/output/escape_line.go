package output

import "strings"

// lineBreaks are the characters Escape keeps (so that text stays
// readable) but that would let a value spill onto a line of its own in a
// table or a "key: value" line, where it could pose as dhmig's output.
var lineBreaks = strings.NewReplacer("\n", `\u000a`, "\t", `\u0009`)

// EscapeLine is Escape for a value that must stay on its line: newline
// and tab are escaped too.
func EscapeLine(s string) string { return Escape(lineBreaks.Replace(s)) }
