package integrity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
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
// of them. Hand it a connection or the caller's own transaction (migrate
// verifies inside its write transaction); it never writes or commits. The
// checks run as one read pass (Dialect.ReadPass): on PostgreSQL a
// connection pool is read inside one read-only transaction, so every check
// sees the same snapshot; on SQLite no transaction is begun. The error
// wraps ErrVerifyFailed when an error-severity check failed — the report is
// complete then — and is any other error when verification could not run
// (the report is partial).
func Run(ctx context.Context, q sqlx.QueryerContext, d database.Dialect, opts Options) (rep Report, err error) {
	start := time.Now()
	rep = Report{Checks: []Result{}}
	o, err := opts.normalize()
	if err != nil {
		return rep, err
	}
	q, end, err := d.ReadPass(ctx, q)
	if err != nil {
		return rep, err
	}
	defer func() {
		if eerr := end(); eerr != nil && err == nil {
			err = fmt.Errorf("end the read: %w", eerr)
		}
	}()
	e, err := newEnv(ctx, q, d, o)
	if err != nil {
		return rep, err
	}
	var sel []Check
	for _, c := range registry {
		if o.selected(c.ID) {
			sel = append(sel, c)
		}
	}
	if err := e.countRules(ctx, sel); err != nil {
		return rep, fmt.Errorf("scan auth_users: %w", err)
	}
	for _, c := range sel {
		f, err := c.run(ctx, e)
		if err != nil {
			return rep, fmt.Errorf("check %s: %w", c.ID, err)
		}
		rep.Checks = append(rep.Checks, result(c, f, o))
	}
	rep.Summary = summarize(rep.Checks)
	rep.OK = !rep.Failed()
	rep.DurationMS = time.Since(start).Milliseconds()
	if ids := rep.FailedIDs(); len(ids) > 0 {
		return rep, fmt.Errorf("%w: %s", ErrVerifyFailed, strings.Join(ids, ", "))
	}
	return rep, nil
}

func result(c Check, f Finding, o Options) Result {
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
