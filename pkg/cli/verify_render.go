package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// tableExamples is how many examples fit on a table row; JSON and JUnit
// carry all the report holds.
const tableExamples = 3

func writeVerify(w io.Writer, format output.Format, rep integrity.Report) error {
	switch format {
	case output.JSON:
		return output.WriteJSON(w, rep)
	case output.JUnit:
		return writeVerifyJUnit(w, rep)
	default:
		return writeVerifyTable(w, rep)
	}
}

func writeVerifyTable(w io.Writer, rep integrity.Report) error {
	rows := make([][]string, 0, len(rep.Checks))
	for _, c := range rep.Checks {
		count, detail := fmt.Sprint(c.Count), exampleLine(c)
		if c.Status == integrity.StatusSkip {
			count, detail = "-", "skipped: "+c.Reason
		}
		rows = append(rows, []string{c.ID, string(c.Severity), string(c.Status), count, detail})
	}
	if rep.Database != "" {
		if _, err := fmt.Fprintf(w, "database: %s\n", rep.Database); err != nil {
			return err
		}
	}
	if err := output.WriteTable(w, []string{"CHECK", "SEVERITY", "STATUS", "COUNT", "DETAIL"}, rows); err != nil {
		return err
	}
	s := rep.Summary
	verdict := "passed"
	if !rep.OK {
		verdict = "FAILED"
	}
	_, err := fmt.Fprintf(w, "verify %s: %d checks, %d passed, %d failed, %d warnings, %d skipped (%d ms)\n",
		verdict, s.Checks, s.Passed, s.Failed, s.Warnings, s.Skipped, rep.DurationMS)
	return err
}

// exampleLine is the first few examples of a check on one line.
func exampleLine(c integrity.Result) string {
	var parts []string
	for i, e := range c.Examples {
		if i == tableExamples {
			break
		}
		parts = append(parts, formatExample(e))
	}
	if more := c.Count - int64(len(parts)); len(parts) > 0 && more > 0 {
		parts = append(parts, fmt.Sprintf("(+%d more)", more))
	}
	return strings.Join(parts, "; ")
}

func formatExample(e integrity.Example) string {
	s := e.ID
	if e.Email != "" {
		s += " <" + e.Email + ">"
	}
	return s + ": " + e.Detail
}

func writeVerifyJUnit(w io.Writer, rep integrity.Report) error {
	suite := output.JUnitSuite{Name: "dhmig verify", Duration: time.Duration(rep.DurationMS) * time.Millisecond}
	for _, c := range rep.Checks {
		group, _, _ := strings.Cut(c.ID, ".")
		tc := output.JUnitCase{Name: c.ID, Classname: "dhmig." + group}
		switch c.Status {
		case integrity.StatusFail:
			tc.Failure = &output.JUnitFailure{
				Message: fmt.Sprintf("%d offending: %s", c.Count, c.Description),
				Type:    string(c.Severity),
				Text:    exampleBlock(c),
			}
		case integrity.StatusWarn:
			// A warning does not fail verification, so it must not turn a
			// CI run red: the case passes and says what it found.
			tc.SystemOut = fmt.Sprintf("warning: %d offending: %s\n%s", c.Count, c.Description, exampleBlock(c))
		case integrity.StatusSkip:
			tc.Skipped = c.Reason
		}
		suite.Cases = append(suite.Cases, tc)
	}
	return output.WriteJUnit(w, "dhmig verify", suite)
}

// exampleBlock is every example on its own line.
func exampleBlock(c integrity.Result) string {
	var b strings.Builder
	for _, e := range c.Examples {
		b.WriteString(formatExample(e) + "\n")
	}
	if more := c.Count - int64(len(c.Examples)); more > 0 {
		fmt.Fprintf(&b, "(+%d more)\n", more)
	}
	return b.String()
}
