package output

import (
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

// JUnitSuite is one <testsuite> of a JUnit XML report.
type JUnitSuite struct {
	Name      string
	Timestamp time.Time
	Duration  time.Duration
	Cases     []JUnitCase
}

// JUnitCase is one <testcase>: it passed unless Failure or Skipped is set.
type JUnitCase struct {
	Name      string
	Classname string
	Duration  time.Duration
	// Failure marks a failed case; its Text carries the details.
	Failure *JUnitFailure
	// Skipped, when not empty, marks a skipped case and says why.
	Skipped string
	// SystemOut is extra text shown with the case (e.g. a warning).
	SystemOut string
}

// JUnitFailure is a <failure> element.
type JUnitFailure struct {
	Message string
	Type    string
	Text    string
}

type xmlSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Name     string     `xml:"name,attr"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Skipped  int        `xml:"skipped,attr"`
	Time     string     `xml:"time,attr"`
	Suites   []xmlSuite `xml:"testsuite"`
}

type xmlSuite struct {
	Name      string    `xml:"name,attr"`
	Tests     int       `xml:"tests,attr"`
	Failures  int       `xml:"failures,attr"`
	Errors    int       `xml:"errors,attr"`
	Skipped   int       `xml:"skipped,attr"`
	Time      string    `xml:"time,attr"`
	Timestamp string    `xml:"timestamp,attr,omitempty"`
	Cases     []xmlCase `xml:"testcase"`
}

type xmlCase struct {
	Name      string      `xml:"name,attr"`
	Classname string      `xml:"classname,attr"`
	Time      string      `xml:"time,attr"`
	Failure   *xmlFailure `xml:"failure,omitempty"`
	Skipped   *xmlSkipped `xml:"skipped,omitempty"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type xmlFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type xmlSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes suites as one JUnit XML document in the shape the CI
// systems' readers share (GitLab, Jenkins, GitHub Actions reporters):
// testsuites > testsuite > testcase with failure, skipped or system-out,
// and tests/failures/errors/skipped counts on both levels.
func WriteJUnit(w io.Writer, name string, suites ...JUnitSuite) error {
	doc := xmlSuites{Name: name}
	var total time.Duration
	for _, s := range suites {
		xs := xmlSuite{Name: s.Name, Time: seconds(s.Duration), Tests: len(s.Cases)}
		if !s.Timestamp.IsZero() {
			xs.Timestamp = s.Timestamp.UTC().Format("2006-01-02T15:04:05")
		}
		for _, c := range s.Cases {
			xc := xmlCase{Name: c.Name, Classname: c.Classname, Time: seconds(c.Duration), SystemOut: c.SystemOut}
			switch {
			case c.Failure != nil:
				xc.Failure = &xmlFailure{Message: c.Failure.Message, Type: c.Failure.Type, Text: c.Failure.Text}
				xs.Failures++
			case c.Skipped != "":
				xc.Skipped = &xmlSkipped{Message: c.Skipped}
				xs.Skipped++
			}
			xs.Cases = append(xs.Cases, xc)
		}
		doc.Tests += xs.Tests
		doc.Failures += xs.Failures
		doc.Skipped += xs.Skipped
		total += s.Duration
		doc.Suites = append(doc.Suites, xs)
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}
