package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
)

// writeSmoke renders a smoke report. The table leaves out durations, so
// that two runs against the same server print the same text; JSON and
// JUnit carry them.
func writeSmoke(w io.Writer, format output.Format, rep smoke.Report) error {
	switch format {
	case output.JSON:
		return output.WriteJSON(w, rep)
	case output.JUnit:
		return writeSmokeJUnit(w, rep)
	}
	account := output.EscapeLine(rep.Email)
	if rep.UserID != "" {
		account += " (auth_users " + rep.UserID + ")"
	}
	if _, err := fmt.Fprintf(w, "server: %s\naccount: %s\n", output.EscapeLine(rep.Server), account); err != nil {
		return err
	}
	rows := make([][]string, 0, len(rep.Steps))
	var failed []string
	for _, s := range rep.Steps {
		rows = append(rows, []string{s.ID, string(s.Status), s.Detail})
		if s.Status == smoke.StatusFail {
			failed = append(failed, s.ID)
		}
	}
	if err := output.WriteTable(w, []string{"STEP", "STATUS", "DETAIL"}, rows); err != nil {
		return err
	}
	var err error
	if len(failed) == 0 {
		_, err = fmt.Fprintf(w, "smoke passed: %d steps\n", len(rep.Steps))
	} else {
		_, err = fmt.Fprintf(w, "smoke FAILED: %s (%d of %d steps)\n", strings.Join(failed, ", "), len(failed), len(rep.Steps))
	}
	return err
}

func writeSmokeJUnit(w io.Writer, rep smoke.Report) error {
	suite := output.JUnitSuite{Name: "dhmig smoke", Duration: msDuration(rep.DurationMS)}
	for _, s := range rep.Steps {
		tc := output.JUnitCase{Name: s.ID, Classname: "dhmig.smoke", Duration: msDuration(s.DurationMS)}
		// Escaped here: XML cannot carry most control characters at all.
		detail := output.EscapeLine(s.Detail)
		switch s.Status {
		case smoke.StatusFail:
			tc.Failure = &output.JUnitFailure{Message: detail, Type: "fail"}
		case smoke.StatusSkip:
			tc.Skipped = detail
		default:
			tc.SystemOut = detail
		}
		suite.Cases = append(suite.Cases, tc)
	}
	return output.WriteJUnit(w, "dhmig smoke", suite)
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// writeSmokeLoad renders a load report: the figures, one line per
// operation, the errors by kind and the gate's verdict.
func writeSmokeLoad(w io.Writer, format output.Format, rep smoke.LoadReport) error {
	switch format {
	case output.JSON:
		return output.WriteJSON(w, rep)
	case output.JUnit:
		return writeSmokeLoadJUnit(w, rep)
	}
	ops := "login"
	if rep.Refresh {
		ops = "login+refresh"
	}
	if _, err := fmt.Fprintf(w, "server: %s\nload: %d clients, %d accounts, %s; stopped by %s after %.2f s\n",
		output.EscapeLine(rep.Server), rep.Concurrency, rep.Accounts, ops, rep.StoppedBy, rep.DurationSeconds); err != nil {
		return err
	}
	f1 := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	rows := [][]string{{"all", fmt.Sprint(rep.Requests), fmt.Sprint(rep.Successes), fmt.Sprint(rep.Errors),
		f1(rep.LatencyMS.P50), f1(rep.LatencyMS.P95), f1(rep.LatencyMS.P99), f1(rep.LatencyMS.Max)}}
	for _, name := range []string{smoke.OpLogin, smoke.OpRefresh} {
		if s, ok := rep.Operations[name]; ok {
			rows = append(rows, []string{name, fmt.Sprint(s.Requests), fmt.Sprint(s.Successes), fmt.Sprint(s.Errors),
				f1(s.LatencyMS.P50), f1(s.LatencyMS.P95), f1(s.LatencyMS.P99), f1(s.LatencyMS.Max)})
		}
	}
	if err := output.WriteTable(w, []string{"OPERATION", "REQUESTS", "OK", "ERRORS", "P50 MS", "P95 MS", "P99 MS", "MAX MS"}, rows); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "throughput: %.1f requests/s; error rate %.4f\n", rep.ThroughputPerSecond, rep.ErrorRate); err != nil {
		return err
	}
	if len(rep.ErrorsByKind) > 0 {
		if _, err := fmt.Fprintf(w, "errors by kind: %s\n", kindsText(rep.ErrorsByKind)); err != nil {
			return err
		}
	}
	if g := rep.Gate; g != nil {
		var err error
		if g.Passed {
			_, err = fmt.Fprintf(w, "gate passed (%s)\n", gateLimits(g))
		} else {
			_, err = fmt.Fprintf(w, "gate BREACHED: %s\n", strings.Join(g.Breaches, "; "))
		}
		return err
	}
	return nil
}

// kindsText is the errors by kind, sorted: "http_401 6, timeout 4".
func kindsText(by map[string]int64) string {
	if len(by) == 0 {
		return "none"
	}
	var kinds []string
	for _, k := range slices.Sorted(maps.Keys(by)) {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, by[k]))
	}
	return strings.Join(kinds, ", ")
}

func gateLimits(g *smoke.GateResult) string {
	var l []string
	if g.MaxP95MS != nil {
		l = append(l, fmt.Sprintf("p95 at most %.1f ms", *g.MaxP95MS))
	}
	if g.MaxErrorRate != nil {
		l = append(l, fmt.Sprintf("error rate at most %.4f", *g.MaxErrorRate))
	}
	return strings.Join(l, ", ")
}

func writeSmokeLoadJUnit(w io.Writer, rep smoke.LoadReport) error {
	suite := output.JUnitSuite{Name: "dhmig smoke --load", Duration: time.Duration(rep.DurationSeconds * float64(time.Second))}
	suite.Cases = append(suite.Cases, output.JUnitCase{Name: "load", Classname: "dhmig.smoke.load",
		SystemOut: fmt.Sprintf("%d requests, %d ok, %d errors (by kind: %s); %.1f requests/s; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; stopped by %s",
			rep.Requests, rep.Successes, rep.Errors, kindsText(rep.ErrorsByKind), rep.ThroughputPerSecond,
			rep.LatencyMS.P50, rep.LatencyMS.P95, rep.LatencyMS.P99, rep.LatencyMS.Max, rep.StoppedBy)})
	if g := rep.Gate; g != nil {
		add := func(name string, set bool, breach string) {
			if !set {
				return
			}
			tc := output.JUnitCase{Name: name, Classname: "dhmig.smoke.gate"}
			if breach != "" {
				tc.Failure = &output.JUnitFailure{Message: breach, Type: "gate"}
			}
			suite.Cases = append(suite.Cases, tc)
		}
		add("max_p95", g.MaxP95MS != nil, g.P95Breach)
		add("max_error_rate", g.MaxErrorRate != nil, g.ErrorRateBreach)
	}
	return output.WriteJUnit(w, "dhmig smoke --load", suite)
}
