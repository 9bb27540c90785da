package smoke

import "fmt"

// Gate turns a load test into a CI check: a limit that is set and
// breached fails it.
type Gate struct {
	// MaxP95MS is the highest acceptable p95 latency in milliseconds
	// (0: no limit).
	MaxP95MS float64
	// MaxErrorRate is the highest acceptable share of failed requests,
	// 0 to 1 (nil: no limit; 0 allows no error at all).
	MaxErrorRate *float64
}

// IsSet reports whether any limit is set.
func (g Gate) IsSet() bool { return g.MaxP95MS > 0 || g.MaxErrorRate != nil }

// GateResult is the gate's verdict on a load report.
type GateResult struct {
	MaxP95MS     *float64 `json:"max_p95_ms"`
	MaxErrorRate *float64 `json:"max_error_rate"`
	Passed       bool     `json:"passed"`
	// Breaches say which limit was breached, by how much: P95Breach and
	// ErrorRateBreach, when not empty, in that order.
	Breaches        []string `json:"breaches"`
	P95Breach       string   `json:"-"`
	ErrorRateBreach string   `json:"-"`
}

// judge checks the report's figures against the limits.
func (g Gate) judge(r *LoadReport) *GateResult {
	if !g.IsSet() {
		return nil
	}
	res := &GateResult{MaxErrorRate: g.MaxErrorRate, Breaches: []string{}}
	if g.MaxP95MS > 0 {
		p95 := g.MaxP95MS
		res.MaxP95MS = &p95
		switch {
		case r.LatencyMS.P95 > g.MaxP95MS:
			res.P95Breach = fmt.Sprintf("p95 latency %.1f ms is above --max-p95 %.1f ms", r.LatencyMS.P95, g.MaxP95MS)
		case r.Answered == 0:
			// No latency at all is no evidence that latency is fine.
			res.P95Breach = "no request was answered, so p95 latency is unknown"
		}
	}
	if g.MaxErrorRate != nil {
		switch {
		case r.Requests == 0:
			res.ErrorRateBreach = "no request completed, so the error rate is unknown"
		case r.ErrorRate > *g.MaxErrorRate:
			res.ErrorRateBreach = fmt.Sprintf("error rate %.4f (%d of %d requests) is above --max-error-rate %.4f",
				r.ErrorRate, r.Errors, r.Requests, *g.MaxErrorRate)
		}
	}
	for _, b := range []string{res.P95Breach, res.ErrorRateBreach} {
		if b != "" {
			res.Breaches = append(res.Breaches, b)
		}
	}
	res.Passed = len(res.Breaches) == 0
	return res
}
