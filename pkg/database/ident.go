package database

import (
	"fmt"
	"regexp"
)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// ValidateIdent accepts plain SQL identifiers (letters, digits, underscore,
// not starting with a digit, at most 63 bytes) so that a configurable table
// or column name can be quoted safely and never spliced in raw.
func ValidateIdent(name string) error {
	if !identRE.MatchString(name) {
		return fmt.Errorf("invalid SQL identifier %q: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters", name)
	}
	return nil
}
