package smoke

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// CheckOptions ask login-check about one user.
type CheckOptions struct {
	// Email is looked up in its canonical form.
	Email string
	// Password, when not nil, is compared with the stored hash (bcrypt,
	// constant time). It is never stored in the verdict.
	Password []byte
	// Legacy names the legacy table, to explain an unknown email.
	Legacy LegacySource
	// Target is the user table looked in and the login rules judged by
	// (nil: the guide's).
	Target *target.Profile
	// Now is when a lock is judged (zero: the time of the check).
	Now time.Time
}

// The reasons login-check gives for a refused login; each is the Code of
// the failing finding.
const (
	ReasonUnknownEmail      = "unknown_email"
	ReasonDuplicateEmail    = "duplicate_email"
	ReasonEmailNotCanonical = "email_not_canonical"
	ReasonStatusNotActive   = "status_not_active"
	ReasonLocked            = "locked"
	ReasonNotVerified       = "not_verified"
	ReasonTempPassword      = "temp_password"
	ReasonHashNotAccepted   = "hash_not_accepted"
	ReasonPasswordMismatch  = "password_mismatch"
)

// Finding is one of login-check's checks.
type Finding struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Code is the reason a failed check gives (Reason* constants).
	Code   string `json:"code,omitempty"`
	Detail string `json:"detail"`
}

// UserInfo is what login-check shows of the account: no hash, ever.
type UserInfo struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Username     string   `json:"username"`
	Status       string   `json:"status"`
	Roles        []string `json:"roles"`
	Locked       bool     `json:"locked"`
	Verified     bool     `json:"verified"`
	Migrated     bool     `json:"migrated"`
	TempPassword bool     `json:"temp_password"`
	LegacyID     string   `json:"legacy_id,omitempty"`
	HashScheme   string   `json:"hash_scheme"`
	HashCost     int      `json:"hash_cost,omitempty"`
}

// Verdict is login-check's answer.
type Verdict struct {
	Email          string `json:"email"`
	CanonicalEmail string `json:"canonical_email"`
	// CanLogIn is the answer; Reasons the codes of every failed check.
	CanLogIn bool     `json:"can_log_in"`
	Reasons  []string `json:"reasons"`
	// PasswordChecked says whether a password was compared.
	PasswordChecked bool      `json:"password_checked"`
	User            *UserInfo `json:"user"`
	// Legacy lists the legacy rows with this email and their fate; nil
	// when there is no legacy table.
	Legacy   []LegacyRow `json:"legacy"`
	Findings []Finding   `json:"checks"`
}

// Err is nil when the app would let the user log in, ErrLoginRefused
// otherwise.
func (v Verdict) Err() error {
	if v.CanLogIn {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrLoginRefused, strings.Join(v.Reasons, ", "))
}

// Check says whether the app would let the user log in and, if not, every
// reason why, reading q (a pool or a transaction) and never writing.
func Check(ctx context.Context, q sqlx.QueryerContext, d Dialect, o CheckOptions) (Verdict, error) {
	p := o.Target
	if p == nil {
		p = target.Guide
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	src, err := o.Legacy.normalize()
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Email: o.Email, CanonicalEmail: target.CanonEmail(o.Email), PasswordChecked: o.Password != nil, Reasons: []string{}}
	accts, err := FindAccounts(ctx, q, d, p, o.Email, o.Now)
	if err != nil {
		return v, err
	}
	tables, err := d.Tables(ctx, q)
	if err != nil {
		return v, fmt.Errorf("list tables: %w", err)
	}
	legacy, hasLegacy, err := findLegacy(ctx, q, d, tables, src, o.Email)
	if err != nil {
		return v, err
	}
	if hasLegacy {
		v.Legacy = append([]LegacyRow{}, legacy...)
	}
	add := func(id string, ok bool, code, pass, fail string) {
		f := Finding{ID: id, Status: StatusPass, Detail: pass}
		if !ok {
			f = Finding{ID: id, Status: StatusFail, Code: code, Detail: fail}
			v.Reasons = append(v.Reasons, code)
		}
		v.Findings = append(v.Findings, f)
	}
	switch len(accts) {
	case 0:
		add("account", false, ReasonUnknownEmail, "", unknownDetail(legacy, hasLegacy, src.Table, p.Users))
	case 1:
		a := accts[0]
		add("account", true, "", fmt.Sprintf("%s id %s, username %s", p.Users, a.ID, a.Username), "")
		judge(&v, a, p, o.Password, add)
	default:
		add("account", false, ReasonDuplicateEmail, "", fmt.Sprintf(
			"%d %s rows share this email (case-insensitively): which one the app finds is undefined; dhmig verify reports them", len(accts), p.Users))
	}
	if v.User == nil {
		for _, id := range []string{"email", "status", "locked", "verified", "temp_password", "password_hash", "password"} {
			v.Findings = append(v.Findings, Finding{ID: id, Status: StatusSkip, Detail: "no single account to check"})
		}
	}
	v.CanLogIn = len(v.Reasons) == 0
	return v, nil
}

// judge runs the checks on the one account found, by target p's rules.
func judge(v *Verdict, a Account, p *target.Profile, pw []byte, add func(id string, ok bool, code, pass, fail string)) {
	rules := p.Login
	scheme := password.Detect(a.PasswordHash)
	v.User = &UserInfo{ID: a.ID, Email: a.Email, Username: a.Username, Status: a.Status, Roles: a.Roles,
		Locked: a.Locked, Verified: a.Verified, Migrated: a.Migrated, TempPassword: a.TempPassword,
		LegacyID: a.LegacyID, HashScheme: string(scheme), HashCost: password.Cost(a.PasswordHash)}
	if v.User.Roles == nil {
		v.User.Roles = []string{}
	}
	add("email", a.Email == v.CanonicalEmail, ReasonEmailNotCanonical, "stored in the form the app looks up (trimmed, lowercase)",
		fmt.Sprintf("stored as %q, not %q: the app looks users up by the trimmed, lowercased email and will not find this row", a.Email, v.CanonicalEmail))
	add("status", a.Status == rules.ActiveStatus, ReasonStatusNotActive, "status "+a.Status,
		fmt.Sprintf("status is %q: only %s users may log in", a.Status, rules.ActiveStatus))
	add("locked", !a.Locked, ReasonLocked, "not locked", lockedDetail(p.Columns))
	if rules.RequireVerified {
		pass, fail := verifiedDetails(p.Columns)
		add("verified", a.Verified, ReasonNotVerified, pass, fail)
	} else {
		v.Findings = append(v.Findings, Finding{ID: "verified", Status: StatusSkip, Detail: "this target does not require verification"})
	}
	switch {
	case !a.Migrated:
		add("temp_password", true, "", "not migrated by dhmig (signed up after cutover, or adopted)", "")
	default:
		add("temp_password", !a.TempPassword, ReasonTempPassword, fmt.Sprintf("legacy row %s kept its password", a.LegacyID),
			fmt.Sprintf("legacy row %s had no usable hash: dhmig gave a temporary password nobody knows; the user must reset it", a.LegacyID))
	}
	accepted := password.Accepted(a.PasswordHash)
	add("password_hash", accepted, ReasonHashNotAccepted, fmt.Sprintf("bcrypt, cost %d", password.Cost(a.PasswordHash)),
		fmt.Sprintf("the stored hash is %s, which the app cannot verify (it accepts bcrypt only): the user must reset the password", scheme))
	switch {
	case pw == nil:
		v.Findings = append(v.Findings, Finding{ID: "password", Status: StatusSkip, Detail: "not checked (no --password-file)"})
	case !accepted:
		v.Findings = append(v.Findings, Finding{ID: "password", Status: StatusSkip, Detail: "not checked: the stored hash is not bcrypt"})
	default:
		// bcrypt compares the digests in constant time.
		ok := bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), pw) == nil
		add("password", ok, ReasonPasswordMismatch, "the password matches the stored hash", "the password does not match the stored hash")
	}
}

// lockedDetail says why a locked account cannot log in, by the target's
// lock column.
func lockedDetail(c target.Columns) string {
	if c.LockedUntil != "" {
		return fmt.Sprintf("the account is locked (%s is still ahead): the app refuses every login until then", c.LockedUntil)
	}
	return fmt.Sprintf("the account is locked (%s): an administrator must unlock it", c.LockedFlag)
}

// verifiedDetails describe the verified check by what the target's app
// reads: its verified flag, or the verification time.
func verifiedDetails(c target.Columns) (pass, fail string) {
	if c.VerifiedFlag != "" {
		return fmt.Sprintf("email verified (%s true)", c.VerifiedFlag),
			fmt.Sprintf("email not verified (%s is not true): the app asks for verification before login", c.VerifiedFlag)
	}
	return fmt.Sprintf("email verified (%s set)", c.VerifiedAt),
		fmt.Sprintf("email not verified (%s is NULL): the app asks for verification before login", c.VerifiedAt)
}

// unknownDetail explains an unknown email from the legacy rows that have
// it; users is the target's user table.
func unknownDetail(legacy []LegacyRow, hasLegacy bool, table, users string) string {
	if !hasLegacy {
		return fmt.Sprintf("no %s row has this email (no legacy table %s to look in)", users, table)
	}
	if len(legacy) == 0 {
		return fmt.Sprintf("no %s row has this email, and no %s row either: the user never had an account here", users, table)
	}
	l := legacy[0]
	var why string
	switch l.State {
	case LegacyRejected:
		why = fmt.Sprintf("was rejected by the migration: %s", l.Code)
		if l.Field != "" {
			why += " (" + l.Field + ")"
		}
	case LegacyMigrated:
		why = fmt.Sprintf("was migrated as user %s, whose email has changed since", l.UserID)
	default:
		why = "is neither migrated nor rejected: it arrived after the last run (run dhmig migrate again)"
	}
	s := fmt.Sprintf("no %s row has this email; %s row %s %s", users, table, l.LegacyID, why)
	if len(legacy) > 1 {
		s += fmt.Sprintf(" (and %d more legacy rows with this email)", len(legacy)-1)
	}
	return s
}
