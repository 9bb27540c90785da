package notify

import (
	"context"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Status is the ledger of one letter for an audience: what notify --status
// reports.
type Status struct {
	Template       string   `json:"template"`
	TemplateSHA256 string   `json:"template_sha256"`
	Audience       Audience `json:"audience"`
	Counts
	// Problems are the failed and in-doubt users (ids and codes, never
	// addresses), for support to follow up.
	Problems []Entry `json:"problems"`
}

// ReadStatus reports the ledger for the letter and audience of target p;
// without the ledger table everyone is pending.
func ReadStatus(ctx context.Context, q database.Executor, d database.Core, p *target.Profile, tpl *Template, a Audience) (Status, error) {
	plan, err := MakePlan(ctx, q, d, p, tpl, a, false)
	if err != nil {
		return Status{}, err
	}
	st := Status{Template: tpl.Name, TemplateSHA256: tpl.SHA256, Audience: a, Counts: plan.Counts(), Problems: []Entry{}}
	for _, r := range plan.Recipients {
		if e, ok := plan.Ledger[r.UserID]; ok && (e.Status == StateFailed || e.Status == StateSending) {
			st.Problems = append(st.Problems, e)
		}
	}
	return st, nil
}
