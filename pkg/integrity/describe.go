package integrity

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// For returns the check as it is reported for target p: a description
// that names p's tables, columns and limits, and p's severity.
func (c Check) For(p *target.Profile) Check {
	if p == nil {
		p = target.Guide
	}
	if c.describe != nil {
		c.Description = c.describe(p)
	}
	if slices.Contains(p.Errors, c.ID) {
		c.Severity = SeverityError
	}
	return c
}

// ChecksFor returns every registered check as target p reports it, in run
// order.
func ChecksFor(p *target.Profile) []Check {
	out := make([]Check, len(registry))
	for i, c := range registry {
		out[i] = c.For(p)
	}
	return out
}

func describeTables(p *target.Profile) string {
	return "the auth tables exist: " + andList(p.Tables)
}

func describeIndexes(p *target.Profile) string {
	return fmt.Sprintf("%s's %s indexes exist on the right columns, and email and username are UNIQUE",
		p.Owner, numberWord(len(p.Indexes)))
}

func describeForeignKeys(p *target.Profile) string {
	if p.Tokens == "" {
		return fmt.Sprintf("dhmig_user_map references %s(id) ON DELETE CASCADE", p.Users)
	}
	return fmt.Sprintf("refresh tokens (and dhmig_user_map) reference %s(id) ON DELETE CASCADE", p.Users)
}

func describeUsernames(p *target.Profile) string {
	return fmt.Sprintf("every username is UTF-8 text of at most %d characters without control characters", p.Rules.MaxUsernameLen)
}

func describeActiveUnverified(p *target.Profile) string {
	c := p.Columns
	if c.VerifiedFlag == "" {
		return "every active user has " + c.VerifiedAt + " set"
	}
	return fmt.Sprintf("every %s user has %s true and %s set", p.Status.Active, c.VerifiedFlag, c.VerifiedAt)
}

// andList joins names as a sentence does: "a", "a and b", "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// numberWord spells small counts out, as the descriptions read.
func numberWord(n int) string {
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}
