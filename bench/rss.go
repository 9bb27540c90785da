package main

import (
	"fmt"
	"syscall"
)

// Peak RSS comes from the child's rusage, and on Linux that figure is not
// the child's alone: os/exec starts a child that shares the bench's memory
// (vfork) until it execs, and exec folds that memory's high-water mark into
// the child's. A child's ru_maxrss is therefore at least the bench's own
// peak at the time it started. A figure at or below that floor may be the
// bench's rather than dhmig's: such samples are flagged, and the report
// says so instead of passing a target on them. The bench keeps its own
// memory small for this reason (the page-fault probe runs in a child).

// selfPeakRSSKB is the bench's own peak RSS so far, in KiB (Linux).
func selfPeakRSSKB() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss
}

// peakRSS is the highest peak of the series in MiB; ok is false when some
// sample's figure may be the bench's own peak.
func (s *series) peakRSS() (mib float64, ok bool) {
	var m int64
	for _, r := range s.rss {
		m = max(m, r)
	}
	return float64(m) / 1024, !s.rssHidden
}

// reportRSS adds the memory lines: dhmig's peak RSS at the full size and
// its ratio to the small run's.
func reportRSS(rep *report, c benchConfig, big, small *series) {
	b, bok := big.peakRSS()
	s, sok := small.peakRSS()
	what := fmt.Sprintf("peak RSS at %d rows", c.rows)
	ratio := fmt.Sprintf("peak RSS ratio vs %d rows", c.smallRows)
	if !bok || !sok {
		rep.add(what, fmt.Sprintf("≤ %.1f MiB", b), "", "", "≤ 64 MiB", nil)
		rep.add(ratio, "not measured", "", "", "≤ 1.25", nil)
		rep.note("peak RSS: a child's figure did not exceed the bench's own peak (%.1f MiB), which it includes (bench/rss.go)",
			float64(selfPeakRSSKB())/1024)
		return
	}
	rep.add(what, fmt.Sprintf("%.1f MiB", b), "", "", "≤ 64 MiB", boolp(b <= 64))
	rep.add(ratio, fmt.Sprintf("%.1f MiB", b), fmt.Sprintf("%.1f MiB", s), fmt.Sprintf("%.2f", b/s), "≤ 1.25", boolp(b/s <= 1.25))
}
