package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// line is one row of a report: a measured figure, its baseline and target.
type line struct {
	what     string
	dhmig    string
	baseline string
	ratio    string
	target   string
	verdict  string
}

// report is one section's figures.
type report struct {
	title string
	lines []line
	notes []string
}

func (r *report) add(what, dhmig, baseline, ratio, target string, ok *bool) {
	v := ""
	if ok != nil {
		v = map[bool]string{true: "meets target", false: "MISSES target"}[*ok]
	}
	r.lines = append(r.lines, line{what, dhmig, baseline, ratio, target, v})
}

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// compare adds a dhmig-vs-baseline line with ratio = dhmig/baseline.
func (r *report) compare(what string, dhmig, baseline float64, target float64) {
	ratio := dhmig / baseline
	ok := ratio <= target
	r.add(what, fmt.Sprintf("%.2f s", dhmig), fmt.Sprintf("%.2f s", baseline), fmt.Sprintf("%.2f", ratio), fmt.Sprintf("≤ %.2f", target), &ok)
}

// versus adds a line timing this dhmig against the -before binary, with no
// target: the figures say what a change did.
func (r *report) versus(what string, now, before float64) {
	r.add(what+" vs -before", fmt.Sprintf("%.2f s", now), fmt.Sprintf("%.2f s", before), fmt.Sprintf("%.2f", now/before), "", nil)
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "== %s\n", r.title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MEASURE\tDHMIG\tBASELINE\tRATIO\tTARGET\tVERDICT")
	for _, l := range r.lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.what, l.dhmig, dash(l.baseline), dash(l.ratio), dash(l.target), l.verdict)
	}
	tw.Flush()
	for _, n := range r.notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	fmt.Fprintln(w, strings.Repeat("-", 20))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func boolp(b bool) *bool { return &b }
