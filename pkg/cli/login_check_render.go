package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
)

// writeLoginCheck renders the verdict for a support engineer: the checks,
// the legacy rows with this email, and the answer last.
func writeLoginCheck(w io.Writer, v smoke.Verdict) error {
	if _, err := fmt.Fprintf(w, "email: %s\n", output.EscapeLine(v.Email)); err != nil {
		return err
	}
	rows := make([][]string, 0, len(v.Findings))
	for _, c := range v.Findings {
		rows = append(rows, []string{c.ID, string(c.Status), c.Detail})
	}
	if err := output.WriteTable(w, []string{"CHECK", "STATUS", "DETAIL"}, rows); err != nil {
		return err
	}
	for _, l := range v.Legacy {
		line := fmt.Sprintf("legacy row %s: %s", output.EscapeLine(l.LegacyID), l.State)
		switch l.State {
		case smoke.LegacyMigrated:
			line += " as auth_users " + l.UserID
		case smoke.LegacyRejected:
			line += " " + l.Code
			if l.Field != "" {
				line += " (" + l.Field + ")"
			}
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	var err error
	if v.CanLogIn {
		_, err = fmt.Fprintln(w, "login-check: the app would let this user log in")
	} else {
		_, err = fmt.Fprintf(w, "login-check: the app would NOT let this user log in: %s\n", strings.Join(v.Reasons, ", "))
	}
	return err
}
