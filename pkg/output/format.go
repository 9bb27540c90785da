package output

import (
	"fmt"
	"slices"
	"strings"
)

// Format is an output format selected with -o/--output.
type Format string

// The formats; each command accepts a subset.
const (
	Table      Format = "table"
	JSON       Format = "json"
	JUnit      Format = "junit"
	Prometheus Format = "prometheus"
)

// ParseFormat accepts one of allowed, case-insensitively.
func ParseFormat(s string, allowed ...Format) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(allowed, f) {
		return f, nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown output format %q: this command accepts %s", s, strings.Join(names, ", "))
}
