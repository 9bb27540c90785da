package integrity_test

import (
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// TestDescriptionsFollowTarget: a check's description is made from the
// target it reports on. The guide's read as they always have (the golden
// files pin them too); the dhafnck target's name its own tables, indexes,
// limits and verification columns, and never the guide's.
func TestDescriptionsFollowTarget(t *testing.T) {
	guide := map[string]string{
		"schema.tables":          "the auth tables exist: auth_users and auth_refresh_tokens",
		"schema.indexes":         "the guide's five indexes exist on the right columns, and email and username are UNIQUE",
		"schema.foreign_keys":    "refresh tokens (and dhmig_user_map) reference auth_users(id) ON DELETE CASCADE",
		"data.invalid_usernames": "every username is UTF-8 text of at most 100 characters without control characters",
		"data.active_unverified": "every active user has verified_at set",
	}
	dhafnck := map[string]string{
		"schema.tables":          "the auth tables exist: users, user_sessions and email_tokens",
		"schema.indexes":         "the DhafnckMCP server's six indexes exist on the right columns, and email and username are UNIQUE",
		"schema.foreign_keys":    "dhmig_user_map references users(id) ON DELETE CASCADE",
		"data.invalid_usernames": "every username is UTF-8 text of at most 150 characters without control characters",
		"data.active_unverified": "every ACTIVE user has email_verified true and email_verified_at set",
	}
	for _, c := range []struct {
		p    *target.Profile
		want map[string]string
	}{{target.Guide, guide}, {target.Dhafnck, dhafnck}} {
		checks := integrity.ChecksFor(c.p)
		if len(checks) != len(integrity.Checks()) {
			t.Fatalf("%s: %d checks, want %d", c.p.Name, len(checks), len(integrity.Checks()))
		}
		for _, ch := range checks {
			if ch.Description == "" {
				t.Errorf("%s: %s has no description", c.p.Name, ch.ID)
			}
			if w, ok := c.want[ch.ID]; ok && ch.Description != w {
				t.Errorf("%s: %s is described %q, want %q", c.p.Name, ch.ID, ch.Description, w)
			}
			if c.p != target.Guide && strings.Contains(ch.Description, target.Guide.Users) {
				t.Errorf("%s: %s names the guide's table: %q", c.p.Name, ch.ID, ch.Description)
			}
		}
	}
	if c, _ := integrity.Lookup("schema.tables"); c.Description != guide["schema.tables"] {
		t.Errorf("Lookup describes schema.tables as %q, want the guide's", c.Description)
	}
	for _, ch := range integrity.ChecksFor(target.Dhafnck) {
		if ch.ID == "data.active_unverified" && ch.Severity != integrity.SeverityError {
			t.Errorf("data.active_unverified is a %s for the dhafnck target, want an error (the app refuses the login)", ch.Severity)
		}
	}
}
