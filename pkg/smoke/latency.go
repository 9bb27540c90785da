package smoke

import (
	"math"
	"slices"
	"time"
)

// Latency summarises request latencies in milliseconds. Percentiles are
// nearest-rank: each is a latency some request really had, and
// P50 <= P95 <= P99 <= Max by construction.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// summarize sorts ds in place and returns its percentiles (zero when
// empty).
func summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	return Latency{P50: ms(rank(ds, 50)), P95: ms(rank(ds, 95)), P99: ms(rank(ds, 99)), Max: ms(ds[len(ds)-1])}
}

// rank is the nearest-rank p-th percentile of sorted ds: the smallest value
// with at least p% of the values at or below it.
func rank(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
