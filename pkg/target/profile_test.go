package target

import (
	"slices"
	"strings"
	"testing"
)

// TestProfilesComplete holds every target to what docs/targets.md says a
// target must define, so that a new one cannot leave a field the copy,
// verify or metrics read at its zero value.
func TestProfilesComplete(t *testing.T) {
	for _, name := range Names() {
		p, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		var missing []string
		need := func(ok bool, what string) {
			if !ok {
				missing = append(missing, what)
			}
		}
		need(p.Summary != "" && p.Owner != "", "Summary and Owner")
		need(p.Users != "" && slices.Contains(p.Tables, p.Users), "Users, among Tables")
		need(p.Tokens == "" || slices.Contains(p.Tables, p.Tokens), "Tokens among Tables")
		need(p.Columns.VerifiedAt != "" && slices.Contains(p.Columns.Timestamps, p.Columns.VerifiedAt), "Columns.VerifiedAt, among Timestamps")
		need(p.Columns.PasswordChangedAt == "" || slices.Contains(p.Columns.Timestamps, p.Columns.PasswordChangedAt), "Columns.PasswordChangedAt among Timestamps")
		need((p.Columns.LockedFlag == "") != (p.Columns.LockedUntil == ""), "exactly one of Columns.LockedFlag and LockedUntil")
		need(slices.Contains(p.Columns.Timestamps, "created_at") && slices.Contains(p.Columns.Timestamps, "updated_at"), "created_at and updated_at among Timestamps")
		need(slices.Contains(p.Status.Known, p.Status.Active) && slices.Contains(p.Status.Known, p.Status.Pending), "Status.Active and Pending among Known")
		need(p.Status.Suspended == "" || slices.Contains(p.Status.Known, p.Status.Suspended), "Status.Suspended among Known")
		need(slices.Contains(p.Roles.Known, DefaultRole), "the default role among Roles.Known")
		need(p.Rules.MaxEmailLen > 0 && p.Rules.MaxUsernameLen > 0, "Rules")
		need(p.Login.ActiveStatus == p.Status.Active, "Login.ActiveStatus = Status.Active")
		for _, ix := range p.Indexes {
			need(slices.Contains(p.Tables, ix.Table), "the table of index "+ix.Name)
		}
		if len(missing) > 0 {
			t.Errorf("target %s lacks: %s", name, strings.Join(missing, "; "))
		}
	}
}

// TestRulesPerTarget: the limits are the target's, the email rule the
// application's for both.
func TestRulesPerTarget(t *testing.T) {
	for _, c := range []struct {
		p        *Profile
		n        int
		username bool
	}{{Guide, 100, true}, {Guide, 101, false}, {Dhafnck, 150, true}, {Dhafnck, 151, false}} {
		if got := c.p.Rules.ValidUsername(strings.Repeat("é", c.n)); got != c.username {
			t.Errorf("%s: a %d-character username valid = %v, want %v", c.p.Name, c.n, got, c.username)
		}
	}
	long := strings.Repeat("a", 242) + "@example.com" // 254 bytes
	for _, p := range []*Profile{Guide, Dhafnck} {
		if !p.Rules.ValidEmail(long) || p.Rules.ValidEmail("a"+long) || p.Rules.ValidEmail("a@b.c") {
			t.Errorf("%s: the email rule or its 254-byte limit is not the application's", p.Name)
		}
	}
	if !Dhafnck.Rules.UsernameTooLong(strings.Repeat("u", 151)) || Dhafnck.Rules.UsernameTooLong("a\x00") {
		t.Error("UsernameTooLong tells a long name from an invalid one")
	}
}
