package main

import (
	"context"
	"fmt"
)

// benchReadSide times dhmig verify and dhmig metrics on the migrated
// database against the guide's two troubleshooting queries, alternating.
// verify must pass: correctness at full size is part of the benchmark.
// Floors, if any, are timed in the same rounds, against the same queries.
func benchReadSide(ctx context.Context, c benchConfig, rep *report, url string, guide func() (sample, error), floors ...*floor) error {
	for _, cmd := range []string{"verify", "metrics"} {
		if !hasCommand(ctx, c.dhmig, cmd) {
			rep.add("verify and metrics vs the guide's 2 queries", "not measured", "", "", "", nil)
			rep.note("this dhmig binary has no %q command: build one that has it to measure the read side", cmd)
			return nil
		}
	}
	var g, v, m, vb, mb series
	for round := 0; round < c.rounds; round++ {
		steps := []func() error{
			func() error { s, err := guide(); g.add(s); return err },
			func() error {
				s, out, err := runTimed(ctx, nil, c.dhmig, "--database-url", url, "verify")
				if err != nil {
					return fmt.Errorf("verify after the benchmark's migration must pass: %w\n%s", err, out)
				}
				v.add(s)
				return nil
			},
			timed(ctx, &m, c.dhmig, "--database-url", url, "metrics", "-o", "json"),
		}
		if round%2 == 1 {
			steps[0], steps[2] = steps[2], steps[0]
		}
		if c.before != "" {
			steps = append(steps, timed(ctx, &vb, c.before, "--database-url", url, "verify"),
				timed(ctx, &mb, c.before, "--database-url", url, "metrics", "-o", "json"))
		}
		if err := runRound(steps, floors); err != nil {
			return err
		}
	}
	rep.compare("verify vs the guide's 2 queries", v.median(), g.median(), 3.0)
	rep.compare("metrics vs the guide's 2 queries", m.median(), g.median(), 1.5)
	if c.before != "" {
		rep.versus("verify", v.median(), vb.median())
		rep.versus("metrics", m.median(), mb.median())
	}
	rep.note("verify passed (exit 0) on the migrated %d-user database in every round", c.rows)
	for _, f := range floors {
		f.report(rep, g.median())
	}
	return nil
}
