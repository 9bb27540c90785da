package integrity

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Severity says whether a failing check fails verification (error) or is
// only reported (warning).
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Status is the outcome of one check.
type Status string

// The statuses: a failing warning-severity check is "warn", not "fail".
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusWarn Status = "warn"
	StatusSkip Status = "skip"
)

// Example is one offending row: an id (user, token, legacy row or schema
// object), the email when there is one, and what is wrong. It never holds a
// password hash or a token hash.
type Example struct {
	ID     string `json:"id"`
	Email  string `json:"email,omitempty"`
	Detail string `json:"detail"`
}

// Finding is what a check found: the total number of offending rows and the
// first few of them, or why it could not apply (Skipped).
type Finding struct {
	Count    int64     `json:"count"`
	Examples []Example `json:"examples"`
	Skipped  string    `json:"skipped,omitempty"`
}

// Check is one registered integrity check.
type Check struct {
	// ID is stable across releases: CI configurations and docs name it.
	ID string
	// Description is one line saying what passing means, for the target
	// the check was taken for (For).
	Description string
	// Severity decides whether a failure fails verification.
	Severity Severity

	// describe, when set, makes the description from the target.
	describe func(p *target.Profile) string
	// rule is set for checks that are a predicate over auth_users rows; Run
	// counts all of them in one scan.
	rule *rowRule
	// find runs any other check.
	find func(ctx context.Context, e *env) (Finding, error)
	// lane groups the checks that share a scan and its results: Run runs
	// a lane's checks in order on one connection, and different lanes at
	// the same time when the read pass offers more than one connection.
	lane lane
}

// lane is a group of checks that read together.
type lane int

// The lanes: the data and schema checks (the scan of auth_users and what
// it counts), and parity (the join of the legacy table, the mapping and the
// users), about as long as each other on a large table.
const (
	usersLane lane = iota
	parityLane
	numLanes
)

// MaxReaders is the most connections Run reads a pool on at once: one per
// lane of checks.
const MaxReaders = int(numLanes)

// Find runs this check alone on q and returns what it found.
func (c Check) Find(ctx context.Context, q sqlx.QueryerContext, d Dialect, opts Options) (f Finding, err error) {
	o, err := opts.normalize()
	if err != nil {
		return Finding{}, err
	}
	q, end, err := d.ReadPass(ctx, q)
	if err != nil {
		return Finding{}, err
	}
	defer func() {
		if eerr := end(); eerr != nil && err == nil {
			err = fmt.Errorf("end the read: %w", eerr)
		}
	}()
	e, err := newEnv(ctx, q, d, o)
	if err != nil {
		return Finding{}, err
	}
	return c.run(ctx, e)
}

func (c Check) run(ctx context.Context, e *env) (Finding, error) {
	if c.rule != nil {
		return e.findRule(ctx, c.ID, c.rule)
	}
	return c.find(ctx, e)
}
