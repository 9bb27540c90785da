package output

import (
	"encoding/json"
	"io"
)

// WriteJSON writes v as indented JSON followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ErrorDoc is the JSON shape of a failed command: {"error": {...}}.
type ErrorDoc struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody names the failure for programs: the exit code, a stable kind and
// the message a person would read.
type ErrorBody struct {
	ExitCode int    `json:"exit_code"`
	Kind     string `json:"kind"`
	Message  string `json:"message"`
}
