package smoke_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
)

// TestCheckVerdicts asks login-check about every kind of user in the dirty
// fixture, on both engines: whether the app would let them log in, every
// reason why not, and what became of their legacy rows.
func TestCheckVerdicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := migrated(t, tg)
		cases := []struct {
			email   string
			ok      bool
			reasons []string
			legacy  []string // legacy_id:state[:code]
		}{
			{"alice@example.com", true, nil, []string{"1:migrated"}},
			{"  BOB@example.com\t", true, nil, []string{"2:migrated"}},
			{"carol@example.com", false, []string{smoke.ReasonStatusNotActive, smoke.ReasonNotVerified}, []string{"3:migrated"}},
			{"dave@example.com", false, []string{smoke.ReasonLocked}, []string{"4:migrated"}},
			{"erin@example.com", false, []string{smoke.ReasonTempPassword}, []string{"5:migrated"}},
			{"frank@example.com", false, []string{smoke.ReasonHashNotAccepted}, []string{"6:migrated"}},
			{"not-an-email", false, []string{smoke.ReasonUnknownEmail}, []string{"7:rejected:INVALID_EMAIL"}},
			{"heidi@example.com", true, nil, []string{"8:migrated", "9:rejected:CONFLICT_EMAIL"}},
			{"ivan@example.com", false, []string{smoke.ReasonStatusNotActive}, []string{"10:migrated"}},
			{"judy@example.com", false, []string{smoke.ReasonUnknownEmail}, []string{"11:not_migrated"}},
			{"mallory@example.com", false, []string{smoke.ReasonEmailNotCanonical}, nil},
			{"nobody@example.com", false, []string{smoke.ReasonUnknownEmail}, nil},
		}
		for _, c := range cases {
			v, err := smoke.Check(context.Background(), db, db.Dialect, smoke.CheckOptions{Email: c.email})
			if err != nil {
				t.Fatalf("%s: %v", c.email, err)
			}
			var legacy []string
			for _, l := range v.Legacy {
				s := l.LegacyID + ":" + l.State
				if l.Code != "" {
					s += ":" + l.Code
				}
				legacy = append(legacy, s)
			}
			if v.CanLogIn != c.ok || !slices.Equal(v.Reasons, append([]string{}, c.reasons...)) || !slices.Equal(legacy, c.legacy) {
				t.Errorf("%q: can_log_in %v, reasons %v, legacy %v; want %v, %v, %v", c.email, v.CanLogIn, v.Reasons, legacy, c.ok, c.reasons, c.legacy)
			}
			if err := v.Err(); (err == nil) != c.ok || (err != nil && !errors.Is(err, smoke.ErrLoginRefused)) {
				t.Errorf("%q: Err() = %v", c.email, err)
			}
			// Every check is reported, in a fixed order, whatever the verdict.
			var ids []string
			for _, f := range v.Findings {
				ids = append(ids, f.ID)
			}
			if got := strings.Join(ids, ","); got != "account,email,status,locked,verified,temp_password,password_hash,password" {
				t.Errorf("%q: checks %s", c.email, got)
			}
		}

		// What support reads for the two unknown emails with a legacy row.
		v, _ := smoke.Check(context.Background(), db, db.Dialect, smoke.CheckOptions{Email: "not-an-email"})
		if d := v.Findings[0].Detail; !strings.Contains(d, "legacy_users row 7 was rejected by the migration: INVALID_EMAIL (email)") {
			t.Errorf("rejected row detail: %s", d)
		}
		v, _ = smoke.Check(context.Background(), db, db.Dialect, smoke.CheckOptions{Email: "judy@example.com"})
		if d := v.Findings[0].Detail; !strings.Contains(d, "row 11 is neither migrated nor rejected") {
			t.Errorf("late row detail: %s", d)
		}
	})
}

// TestCheckPassword compares a password with the stored hash, and never
// lets the hash or the password into the verdict.
func TestCheckPassword(t *testing.T) {
	db := migrated(t, dbtest.SQLite(t))
	var hash string
	if err := db.Get(&hash, `SELECT password_hash FROM auth_users WHERE email = 'alice@example.com'`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		pw     string
		ok     bool
		status smoke.Status
	}{{"alice-pw", true, smoke.StatusPass}, {"alice-pw ", false, smoke.StatusFail}, {"bob-pw", false, smoke.StatusFail}} {
		v, err := smoke.Check(context.Background(), db, db.Dialect, smoke.CheckOptions{Email: "alice@example.com", Password: []byte(c.pw)})
		if err != nil {
			t.Fatal(err)
		}
		last := v.Findings[len(v.Findings)-1]
		if v.CanLogIn != c.ok || last.ID != "password" || last.Status != c.status || !v.PasswordChecked {
			t.Errorf("password %q: can_log_in %v, %+v", c.pw, v.CanLogIn, last)
		}
		if !c.ok && !slices.Equal(v.Reasons, []string{smoke.ReasonPasswordMismatch}) {
			t.Errorf("password %q: reasons %v", c.pw, v.Reasons)
		}
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), hash) || strings.Contains(string(b), c.pw) || strings.Contains(string(b), "$2a$") {
			t.Errorf("the verdict holds the hash or the password: %s", b)
		}
	}
	// A hash the app cannot verify is not compared at all.
	v, _ := smoke.Check(context.Background(), db, db.Dialect, smoke.CheckOptions{Email: "frank@example.com", Password: []byte("x")})
	if last := v.Findings[len(v.Findings)-1]; last.Status != smoke.StatusSkip || v.User.HashScheme != "django_pbkdf2" {
		t.Errorf("frank: %+v, scheme %s", last, v.User.HashScheme)
	}
}
