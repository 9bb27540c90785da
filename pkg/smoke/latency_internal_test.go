package smoke

import (
	"testing"
	"time"
)

// Nearest rank on 1..100 ms is the p-th value itself; on few values the
// percentiles are values that occurred.
func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if got := summarize(ds); got != (Latency{P50: 50, P95: 95, P99: 99, Max: 100}) {
		t.Errorf("1..100 ms: %+v", got)
	}
	few := []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond}
	if got := summarize(few); got != (Latency{P50: 2, P95: 3, P99: 3, Max: 3}) {
		t.Errorf("three values: %+v", got)
	}
	if got := summarize(nil); got != (Latency{}) {
		t.Errorf("none: %+v", got)
	}
}

// The gate judges the figures it is given: p95 above the limit, an error
// rate above it, and no evidence at all are breaches; equal is not.
func TestGateJudge(t *testing.T) {
	rate := func(v float64) *float64 { return &v }
	tests := []struct {
		name     string
		g        Gate
		r        LoadReport
		p95, err bool
	}{
		{"within", Gate{MaxP95MS: 100, MaxErrorRate: rate(0.1)}, LoadReport{Requests: 10, Answered: 10, Errors: 1, ErrorRate: 0.1, LatencyMS: Latency{P95: 100}}, false, false},
		{"slow", Gate{MaxP95MS: 100}, LoadReport{Requests: 10, Answered: 10, LatencyMS: Latency{P95: 100.5}}, true, false},
		{"errors", Gate{MaxErrorRate: rate(0)}, LoadReport{Requests: 10, Answered: 10, Errors: 1, ErrorRate: 0.1}, false, true},
		{"nothing answered", Gate{MaxP95MS: 100, MaxErrorRate: rate(1)}, LoadReport{}, true, true},
	}
	for _, tt := range tests {
		res := tt.g.judge(&tt.r)
		if (res.P95Breach != "") != tt.p95 || (res.ErrorRateBreach != "") != tt.err || res.Passed != (!tt.p95 && !tt.err) ||
			len(res.Breaches) != btoi(tt.p95)+btoi(tt.err) {
			t.Errorf("%s: %+v", tt.name, res)
		}
	}
	if (Gate{}).judge(&LoadReport{}) != nil {
		t.Error("no limits, yet a verdict")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
