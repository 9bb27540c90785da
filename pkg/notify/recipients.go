package notify

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Audience chooses who is written to.
type Audience string

// The audiences of --only.
const (
	AudienceAll           Audience = "all"
	AudienceTempPasswords Audience = "temp-passwords"
	AudienceActive        Audience = "active"
)

// ParseAudience accepts the names of --only.
func ParseAudience(s string) (Audience, error) {
	switch a := Audience(s); a {
	case AudienceAll, AudienceTempPasswords, AudienceActive:
		return a, nil
	}
	return "", fmt.Errorf("%q: use all, temp-passwords or active", s)
}

// Recipient is one migrated user: a row of the target's user table that
// dhmig_user_map points at, so users the application created itself are
// never written to.
type Recipient struct {
	UserID       string `db:"id"`
	Email        string `db:"email"`
	Username     string `db:"username"`
	Status       string `db:"status"`
	TempPassword bool   `db:"-"`
	TempInt      int    `db:"temp_password"`
}

// includes reports whether r belongs to the audience; "active" is the
// target's spelling of it (active for the guide, ACTIVE for dhafnck).
func (a Audience) includes(r Recipient, p *target.Profile) bool {
	switch a {
	case AudienceTempPasswords:
		return r.TempPassword
	case AudienceActive:
		return r.Status == p.Status.Active
	}
	return true
}

// Recipients lists the migrated users of an audience from target p's user
// table (nil: the guide's), by user id (a stable order, so a re-run walks
// the same way).
func Recipients(ctx context.Context, q sqlx.QueryerContext, p *target.Profile, a Audience) ([]Recipient, error) {
	if p == nil {
		p = target.Guide
	}
	var all []Recipient
	// CASE turns SQLite's 0/1 and PostgreSQL's boolean into one integer.
	err := sqlx.SelectContext(ctx, q, &all, `SELECT a.id, a.email, a.username, a.status,
		CASE WHEN m.temp_password THEN 1 ELSE 0 END AS temp_password
		FROM dhmig_user_map m JOIN `+p.Users+` a ON a.id = m.user_id ORDER BY a.id`)
	if err != nil {
		return nil, fmt.Errorf("read the migrated users (dhmig_user_map, %s): %w", p.Users, err)
	}
	out := all[:0]
	for _, r := range all {
		r.TempPassword = r.TempInt != 0
		if a.includes(r, p) {
			out = append(out, r)
		}
	}
	return out, nil
}
