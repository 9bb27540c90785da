package main

import "fmt"

// floor is one piece of work a command cannot do without (DESIGN.md
// requires it), timed alone in the same rounds as the command and its
// baseline. If that piece alone takes more than the target's share of the
// baseline, no implementation of the command meets the target on this
// machine; if it takes less, the rest is the command's own cost.
type floor struct {
	what    string // the piece of work, as the report names it
	command string // the measure whose target it bounds: "verify", "metrics", "backup"
	target  float64
	run     func() (sample, error)
	times   series
}

// parityJoinCount is the least of DESIGN.md's parity check: every legacy
// row joined to its mapping, counted. Both engines read it the same way.
const parityJoinCount = `SELECT COUNT(*) FROM legacy_users l JOIN dhmig_user_map m ON m.legacy_id = CAST(l.id AS TEXT)`

// verifyFloor is verify's floor: parityJoinCount, run by run.
func verifyFloor(run func() (sample, error)) *floor {
	return &floor{what: "the join of each legacy row to its mapping (COUNT only)", command: "verify", target: 3, run: run}
}

// step is the floor's timed run for one round.
func (f *floor) step() error {
	s, err := f.run()
	if err != nil {
		return fmt.Errorf("%s: %w", f.what, err)
	}
	f.times.add(s)
	return nil
}

// report notes the floor against the baseline's median.
func (f *floor) report(rep *report, baseline float64) {
	ratio := f.times.median() / baseline
	verdict := "below the target: the rest is " + f.command + "'s own cost"
	if ratio > f.target {
		verdict = "above the target by itself: out of reach while " + f.command + " must do this"
	}
	rep.note("floor of %s: %s alone: %.2f s, %.2f× the baseline (target ≤ %.1f): %s",
		f.command, f.what, f.times.median(), ratio, f.target, verdict)
}
