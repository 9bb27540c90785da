package main

import (
	"errors"
	"strings"
	"testing"
)

func TestFloorReportsWhetherTheTargetIsInReach(t *testing.T) {
	for _, tc := range []struct {
		secs, baseline float64
		want           string
	}{
		{secs: 0.50, baseline: 0.10, want: "0.50 s, 5.00× the baseline (target ≤ 3.0): above the target by itself"},
		{secs: 0.25, baseline: 0.10, want: "0.25 s, 2.50× the baseline (target ≤ 3.0): below the target"},
	} {
		i := 0
		runs := []float64{tc.secs * 2, tc.secs, tc.secs / 2} // median tc.secs
		f := &floor{what: "the join", command: "verify", target: 3, run: func() (sample, error) {
			i++
			return sample{Seconds: runs[i-1]}, nil
		}}
		for range runs {
			if err := f.step(); err != nil {
				t.Fatal(err)
			}
		}
		var rep report
		f.report(&rep, tc.baseline)
		if len(rep.notes) != 1 || !strings.Contains(rep.notes[0], tc.want) || !strings.HasPrefix(rep.notes[0], "floor of verify: the join alone: ") {
			t.Errorf("notes %q, want one containing %q", rep.notes, tc.want)
		}
	}
	f := &floor{what: "the join", run: func() (sample, error) { return sample{}, errors.New("no such table") }}
	if err := f.step(); err == nil || !strings.Contains(err.Error(), "the join: no such table") {
		t.Errorf("step error %v, want it to name the floor and the cause", err)
	}
}
