package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

// sample is one timed run of a child process or an in-process step.
type sample struct {
	Seconds  float64
	MaxRSSKB int64
	// RSSHidden: MaxRSSKB did not exceed the bench's own peak, so it may
	// be the bench's (see rss.go).
	RSSHidden bool
}

// runTimed runs a command, failing on a non-zero exit, and returns its wall
// time and peak RSS from the OS (rusage of the child; see rss.go).
func runTimed(ctx context.Context, env []string, name string, args ...string) (sample, string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	el := time.Since(start).Seconds()
	// The bench's peak only grows, so read after the run it is at least
	// what the child's exec folded in (rss.go).
	floor := selfPeakRSSKB()
	if err != nil {
		return sample{}, "", fmt.Errorf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, tail(out.String()), tail(errOut.String()))
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	return sample{Seconds: el, MaxRSSKB: rss, RSSHidden: rss <= floor}, out.String(), nil
}

// timed is a round's step: run a command, add its time to s.
func timed(ctx context.Context, s *series, name string, args ...string) func() error {
	return func() error {
		x, _, err := runTimed(ctx, nil, name, args...)
		s.add(x)
		return err
	}
}

// runRound runs a round's steps and then its floors, stopping at the first
// error.
func runRound(steps []func() error, floors []*floor) error {
	for _, f := range floors {
		steps = append(steps, f.step)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// timeFunc times an in-process step.
func timeFunc(fn func() error) (sample, error) {
	start := time.Now()
	err := fn()
	return sample{Seconds: time.Since(start).Seconds()}, err
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// series collects the samples of one measured thing.
type series struct {
	secs      []float64
	rss       []int64
	rssHidden bool
}

func (s *series) add(x sample) {
	s.secs = append(s.secs, x.Seconds)
	s.rss = append(s.rss, x.MaxRSSKB)
	s.rssHidden = s.rssHidden || x.RSSHidden
}

func (s *series) median() float64 { return median(s.secs) }

// copySeries are the four timings of the copy: baseline and dhmig, into an
// empty auth_users and into one already holding users.
type copySeries struct {
	base, dh, baseFilled, dhFilled series
}

func (c *copySeries) add(side string, prefilled bool, s sample) {
	switch {
	case side == "baseline" && !prefilled:
		c.base.add(s)
	case side == "baseline":
		c.baseFilled.add(s)
	case !prefilled:
		c.dh.add(s)
	default:
		c.dhFilled.add(s)
	}
}

// report adds the copy's ratios against their targets and its rows/s.
func (c *copySeries) report(rep *report, rows int, emptyTarget, filledTarget float64) {
	rep.compare("migrate-users, empty auth_users", c.dh.median(), c.base.median(), emptyTarget)
	rep.compare("migrate-users, auth_users holding rows", c.dhFilled.median(), c.baseFilled.median(), filledTarget)
	rep.add("rows/s (dhmig, empty target)", fmt.Sprintf("%.0f", float64(rows)/c.dh.median()),
		fmt.Sprintf("%.0f", float64(rows)/c.base.median()), "", "", nil)
}
