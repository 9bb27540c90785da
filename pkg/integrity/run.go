package integrity

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// Result is one check's outcome in a report.
type Result struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Severity    Severity  `json:"severity"`
	Status      Status    `json:"status"`
	Count       int64     `json:"count"`
	Examples    []Example `json:"examples"`
	// Reason says why a check was skipped.
	Reason string `json:"reason,omitempty"`
}

// Summary counts the results by status.
type Summary struct {
	Checks   int `json:"checks"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	Warnings int `json:"warnings"`
	Skipped  int `json:"skipped"`
}

// Report is the outcome of one verification run. Database is left for the
// caller to fill in (a redacted name).
type Report struct {
	Database   string   `json:"database,omitempty"`
	OK         bool     `json:"ok"`
	Summary    Summary  `json:"summary"`
	Checks     []Result `json:"checks"`
	DurationMS int64    `json:"duration_ms"`
}

// Failed reports whether any error-severity check failed.
func (r Report) Failed() bool { return len(r.FailedIDs()) > 0 }

// FailedIDs lists the error-severity checks that failed, in run order.
func (r Report) FailedIDs() []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Status == StatusFail {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// Run executes the selected checks on q, read-only, and reports every one
// of them, in registry order. Hand it a connection pool or the caller's own
// transaction (migrate verifies inside its write transaction); it never
// writes or commits. The checks run as one read pass
// (Dialect.ConcurrentReadPass): on PostgreSQL a pool is read in read-only
// transactions on one shared snapshot, one per lane of checks, and the lanes
// run at the same time; in the caller's transaction, and on SQLite (where no
// transaction is begun), they run one after the other on q. The error wraps
// ErrVerifyFailed when an error-severity check failed — the report is
// complete then — and is any other error when verification could not run
// (the report holds the checks that finished).
func Run(ctx context.Context, q sqlx.QueryerContext, d Dialect, opts Options) (rep Report, err error) {
	start := time.Now()
	rep = Report{Checks: []Result{}}
	o, err := opts.normalize()
	if err != nil {
		return rep, err
	}
	var sel []Check
	for _, c := range registry {
		if o.selected(c.ID) {
			sel = append(sel, c)
		}
	}
	passes, end, err := d.ConcurrentReadPass(ctx, q, lanesOf(sel))
	if err != nil {
		return rep, err
	}
	defer func() {
		if eerr := end(); eerr != nil && err == nil {
			err = fmt.Errorf("end the read: %w", eerr)
		}
	}()
	if o.passBegun != nil {
		o.passBegun(len(passes))
	}
	e, err := newEnv(ctx, passes[0], d, o)
	if err != nil {
		return rep, err
	}
	results := make([]*Result, len(sel))
	err = e.runLanes(ctx, sel, passes, results)
	for _, r := range results {
		if r != nil {
			rep.Checks = append(rep.Checks, *r)
		}
	}
	if err != nil {
		return rep, err
	}
	rep.Summary = summarize(rep.Checks)
	rep.OK = !rep.Failed()
	rep.DurationMS = time.Since(start).Milliseconds()
	if ids := rep.FailedIDs(); len(ids) > 0 {
		return rep, fmt.Errorf("%w: %s", ErrVerifyFailed, strings.Join(ids, ", "))
	}
	return rep, nil
}

// lanesOf counts the lanes the checks fall in.
func lanesOf(checks []Check) int {
	var seen [numLanes]bool
	n := 0
	for _, c := range checks {
		if !seen[c.lane] {
			seen[c.lane], n = true, n+1
		}
	}
	return max(n, 1)
}

// runLanes runs the checks and stores each one's result at its index. Each
// lane runs on a pass of its own (lanes share passes round-robin when there
// are fewer); with one pass, that is every check in registry order, as one
// sequence. Several passes run at the same time, and the first error
// cancels the others' queries and is the one returned.
func (e *env) runLanes(ctx context.Context, checks []Check, passes []sqlx.QueryerContext, results []*Result) error {
	groups := make([][]int, len(passes))
	slot := map[lane]int{}
	for i, c := range checks {
		p, ok := slot[c.lane]
		if !ok {
			p = len(slot) % len(passes)
			slot[c.lane] = p
		}
		groups[p] = append(groups[p], i)
	}
	if len(passes) == 1 {
		return e.runChecks(ctx, checks, groups[0], results)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for p, idx := range groups {
		if len(idx) == 0 {
			continue
		}
		pe := e.on(passes[p])
		wg.Go(func() {
			if err := pe.runChecks(ctx, checks, idx, results); err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		})
	}
	wg.Wait()
	return first
}

// runChecks runs the checks at idx, in order, on e's executor: first the
// one scan that counts their rule checks.
func (e *env) runChecks(ctx context.Context, checks []Check, idx []int, results []*Result) error {
	mine := make([]Check, len(idx))
	for k, i := range idx {
		mine[k] = checks[i]
	}
	if err := e.countRules(ctx, mine); err != nil {
		return fmt.Errorf("scan %s: %w", e.users, err)
	}
	for k, c := range mine {
		f, err := c.run(ctx, e)
		if err != nil {
			return fmt.Errorf("check %s: %w", c.ID, err)
		}
		r := result(c, f, e.o)
		results[idx[k]] = &r
	}
	return nil
}

func result(c Check, f Finding, o Options) Result {
	c = c.For(o.Target)
	r := Result{ID: c.ID, Description: c.Description, Severity: c.Severity, Count: f.Count, Examples: f.Examples}
	if r.Examples == nil {
		r.Examples = []Example{}
	}
	for _, id := range o.WarnOnly {
		if id == c.ID {
			r.Severity = SeverityWarning
		}
	}
	switch {
	case f.Skipped != "":
		r.Status, r.Reason = StatusSkip, f.Skipped
	case f.Count == 0:
		r.Status = StatusPass
	case r.Severity == SeverityError:
		r.Status = StatusFail
	default:
		r.Status = StatusWarn
	}
	return r
}

func summarize(rs []Result) Summary {
	s := Summary{Checks: len(rs)}
	for _, r := range rs {
		switch r.Status {
		case StatusPass:
			s.Passed++
		case StatusFail:
			s.Failed++
		case StatusWarn:
			s.Warnings++
		case StatusSkip:
			s.Skipped++
		}
	}
	return s
}
