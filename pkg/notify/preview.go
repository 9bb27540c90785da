package notify

import (
	"fmt"
	"io"
	"strings"
)

// WriteSample renders the letters of the first n recipients as a person
// reads them: To, Subject, the body, and a separator. Nothing is sent.
func WriteSample(w io.Writer, tpl *Template, rs []Recipient, links Links, n int) error {
	for i, r := range rs {
		if i >= n {
			break
		}
		l, err := tpl.Render(links.fields(r))
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "--- message %d of %d (user %s)\nTo: %s <%s>\nSubject: %s\n\n%s\n",
			i+1, min(n, len(rs)), r.UserID, r.Username, r.Email, l.Subject, strings.TrimRight(l.Body, "\n")); err != nil {
			return err
		}
	}
	return nil
}
