package notify

import (
	"context"
	"errors"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Plan is who a run would write to, from the ledger as it stands.
type Plan struct {
	// Recipients are the migrated users of the audience.
	Recipients []Recipient
	// Due are those this run sends to: pending ones, and with RetryFailed
	// also the failed and in-doubt ones.
	Due []Recipient
	// Ledger is the letter's rows by user id.
	Ledger map[string]Entry
}

// Counts summarise a plan or the ledger for an audience.
type Counts struct {
	Recipients int `json:"recipients"`
	Sent       int `json:"sent"`
	Failed     int `json:"failed"`
	Pending    int `json:"pending"`
	InDoubt    int `json:"in_doubt"`
}

// MakePlan reads the audience from target p's user table and the letter's
// ledger. Without the ledger table (a schema before the target's
// notifications version) a dry run still plans: nobody was sent.
func MakePlan(ctx context.Context, q database.Executor, d database.Core, p *target.Profile, tpl *Template, a Audience, retryFailed bool) (Plan, error) {
	rs, err := Recipients(ctx, q, p, a)
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Recipients: rs, Ledger: map[string]Entry{}}
	if err := hasLedger(ctx, q, d); err == nil {
		if plan.Ledger, err = entries(ctx, q, tpl.SHA256); err != nil {
			return Plan{}, err
		}
	} else if !errors.Is(err, ErrNoLedger) {
		return Plan{}, err
	}
	for _, r := range rs {
		switch plan.Ledger[r.UserID].Status {
		case "", StatePending:
			plan.Due = append(plan.Due, r)
		case StateFailed, StateSending:
			if retryFailed {
				plan.Due = append(plan.Due, r)
			}
		}
	}
	return plan, nil
}

// Counts are the plan's recipients by ledger state.
func (p Plan) Counts() Counts {
	c := Counts{Recipients: len(p.Recipients)}
	for _, r := range p.Recipients {
		switch p.Ledger[r.UserID].Status {
		case StateSent:
			c.Sent++
		case StateFailed:
			c.Failed++
		case StateSending:
			c.InDoubt++
		default:
			c.Pending++
		}
	}
	return c
}
