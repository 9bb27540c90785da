package smoke

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/target"
	"github.com/dhafnckmcp/dhmig/pkg/token"
)

// Options are one smoke run against a server.
type Options struct {
	Client *Client
	// Email and Password are the test account's; the password is sent to
	// the login endpoint and nowhere else.
	Email    string
	Password []byte
	// Keys are the configured JWT algorithm and key: the access token is
	// checked offline with them (token.Verify, as jwt verify does), and,
	// when they can sign, an expired token is made with them.
	Keys token.Keys
	// Refresh adds the refresh steps.
	Refresh bool
	// DB and Dialect read the account's auth_users row.
	DB      sqlx.QueryerContext
	Dialect Dialect
	// Now is the clock tokens are judged by (default time.Now).
	Now func() time.Time
}

// The steps, in the order they run.
const (
	StepLogin                 = "login"
	StepToken                 = "token"
	StepClaims                = "claims"
	StepProtected             = "protected"
	StepTampered              = "tampered"
	StepExpired               = "expired"
	StepRefresh               = "refresh"
	StepProtectedAfterRefresh = "protected_after_refresh"
)

// Step is one line of the report.
type Step struct {
	ID         string  `json:"id"`
	Status     Status  `json:"status"`
	Detail     string  `json:"detail"`
	DurationMS float64 `json:"duration_ms"`
}

// Report is a smoke run's result.
type Report struct {
	Server string `json:"server"`
	Email  string `json:"email"`
	// UserID is the account's auth_users id ("" when there is no row).
	UserID string `json:"user_id"`
	OK     bool   `json:"ok"`
	// Unreachable: no connection could be made to the server.
	Unreachable bool    `json:"unreachable"`
	Steps       []Step  `json:"steps"`
	DurationMS  float64 `json:"duration_ms"`
}

// Err is nil when every step passed; ErrUnreachable when the server could
// not be reached; otherwise ErrFailed naming the failed steps.
func (r Report) Err() error {
	var failed []string
	for _, s := range r.Steps {
		if s.Status == StatusFail {
			failed = append(failed, s.ID)
		}
	}
	switch {
	case r.Unreachable:
		return fmt.Errorf("%w: %s", ErrUnreachable, r.Server)
	case len(failed) > 0:
		return fmt.Errorf("%w: %s", ErrFailed, strings.Join(failed, ", "))
	}
	return nil
}

// Run logs in as the test account and checks what the guide's Step 6
// asks, one step at a time; a step that cannot run without an earlier
// one's result is skipped, saying why. It returns an error only when it
// cannot judge at all (the database cannot be read); a failing server is a
// report with failed steps.
func Run(ctx context.Context, o Options) (Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	start := time.Now()
	rep := Report{Server: o.Client.Server(), Email: o.Email}
	accts, err := FindAccounts(ctx, o.DB, o.Dialect, target.Guide, o.Email, o.Now())
	if err != nil && !errors.Is(err, ErrNoAuthSchema) {
		return rep, err
	}
	r := &runner{o: o, rep: &rep, accts: accts, noSchema: err != nil, secrets: []string{string(o.Password)}}
	if len(accts) == 1 {
		rep.UserID = accts[0].ID
	}
	r.run(ctx)
	rep.DurationMS = ms(time.Since(start))
	rep.OK = rep.Err() == nil
	return rep, ctx.Err()
}

type runner struct {
	o     Options
	rep   *Report
	accts []Account
	// noSchema: the configured database has no auth_users at all.
	noSchema bool
	secrets  []string
	// what the steps hand on
	access, refresh string
	claims          *token.Claims
	tokenValid      bool
}

// step runs fn as step id and records its verdict.
func (r *runner) step(id string, fn func() (bool, string)) bool {
	start := time.Now()
	ok, detail := fn()
	st := StatusPass
	if !ok {
		st = StatusFail
	}
	r.rep.Steps = append(r.rep.Steps, Step{ID: id, Status: st, Detail: detail, DurationMS: ms(time.Since(start))})
	return ok
}

func (r *runner) skip(why string, ids ...string) {
	for _, id := range ids {
		r.rep.Steps = append(r.rep.Steps, Step{ID: id, Status: StatusSkip, Detail: "skipped: " + why})
	}
}

func (r *runner) run(ctx context.Context) {
	later := []string{StepToken, StepClaims, StepProtected, StepTampered, StepExpired}
	if r.o.Refresh {
		later = append(later, StepRefresh, StepProtectedAfterRefresh)
	}
	if !r.step(StepLogin, func() (bool, string) { return r.login(ctx) }) {
		r.skip("the login failed", later...)
		return
	}
	if r.step(StepToken, r.checkToken) {
		r.step(StepClaims, r.checkClaims)
	} else {
		r.skip("the access token did not verify", StepClaims)
	}
	r.step(StepProtected, func() (bool, string) { return r.expect(ctx, r.access, 200, "the server accepted the access token") })
	r.step(StepTampered, func() (bool, string) { return r.tampered(ctx) })
	switch {
	case !r.tokenValid:
		r.skip("the server's tokens do not verify with the configured key, so a token expired under that key proves nothing", StepExpired)
	case !r.o.Keys.CanSign():
		r.skip(fmt.Sprintf("the configured %s key cannot sign (no private key)", r.o.Keys.Algorithm()), StepExpired)
	default:
		r.step(StepExpired, func() (bool, string) { return r.expired(ctx) })
	}
	if r.o.Refresh {
		r.refreshSteps(ctx)
	}
}

func (r *runner) login(ctx context.Context) (bool, string) {
	tok, ex := r.o.Client.Login(ctx, r.o.Email, r.o.Password)
	if !ex.OK() {
		if ex.Kind == KindUnreachable {
			r.rep.Unreachable = true
		}
		return false, r.exchangeFailure(ex)
	}
	r.access, r.refresh = tok.AccessToken, tok.RefreshToken
	r.secrets = append(r.secrets, tok.AccessToken, tok.RefreshToken)
	detail := fmt.Sprintf("HTTP %d: access token received", ex.Status)
	if tok.RefreshToken != "" {
		detail = fmt.Sprintf("HTTP %d: access and refresh tokens received", ex.Status)
	}
	return true, detail
}

func (r *runner) checkToken() (bool, string) {
	v := token.Verify(r.o.Keys, r.access, r.o.Now())
	r.claims = v.Claims
	if !v.Valid {
		return false, fmt.Sprintf("%s: %s", v.Status, v.Reason)
	}
	r.tokenValid = true
	detail := fmt.Sprintf("signature verifies with the configured %s key; type %s", v.Algorithm, v.Claims.Type)
	if c := v.Claims; c.IssuedAt != nil && c.ExpiresAt != nil {
		detail += fmt.Sprintf("; lifetime %s", c.ExpiresAt.Sub(c.IssuedAt.Time))
	}
	return true, detail
}

func (r *runner) checkClaims() (bool, string) {
	switch {
	case r.noSchema:
		return false, "the configured database has no auth_users table: is --database-url the server's database?"
	case len(r.accts) == 0:
		return false, "no auth_users row has this email: the server logged in a user the database does not hold"
	case len(r.accts) > 1:
		return false, fmt.Sprintf("%d auth_users rows share this email: dhmig verify reports them", len(r.accts))
	}
	a, c := r.accts[0], r.claims
	var bad []string
	if c.Subject != a.ID {
		bad = append(bad, fmt.Sprintf("sub is %q, the row's id is %s", c.Subject, a.ID))
	}
	if c.Email != a.Email {
		bad = append(bad, fmt.Sprintf("email is %q, the row's email is %q", c.Email, a.Email))
	}
	if len(bad) > 0 {
		return false, strings.Join(bad, "; ")
	}
	return true, fmt.Sprintf("sub and email are those of auth_users row %s", a.ID)
}

// expect calls the protected endpoint with tok and wants status want.
func (r *runner) expect(ctx context.Context, tok string, want int, passDetail string) (bool, string) {
	ex := r.o.Client.Protected(ctx, tok)
	if ex.Status == 0 {
		return false, describeTransport(ex)
	}
	if ex.Status != want {
		return false, fmt.Sprintf("HTTP %d, want %d%s", ex.Status, want, r.quote(ex.Detail))
	}
	return true, fmt.Sprintf("HTTP %d: %s", ex.Status, passDetail)
}

func (r *runner) tampered(ctx context.Context) (bool, string) {
	bad, err := tamper(r.access)
	if err != nil {
		return false, err.Error()
	}
	ok, detail := r.expect(ctx, bad, 401, "the server refused a token whose signature was altered")
	if !ok && strings.HasPrefix(detail, "HTTP 2") {
		detail += ": the server accepted a token whose signature was altered, so it does not check signatures"
	}
	return ok, detail
}

func (r *runner) expired(ctx context.Context) (bool, string) {
	c := r.claims
	// Issued two hours ago for one hour: expired an hour ago, beyond any
	// clock leeway a server allows.
	is, err := token.Issue(r.o.Keys, token.IssueOptions{UserID: c.Subject, Email: c.Email, Roles: c.Roles,
		TTL: time.Hour, Now: r.o.Now().Add(-2 * time.Hour)})
	if err != nil {
		return false, fmt.Sprintf("cannot make an expired token: %v", err)
	}
	ok, detail := r.expect(ctx, is.Token, 401, "the server refused the same user's token, expired an hour ago")
	if !ok && strings.HasPrefix(detail, "HTTP 2") {
		detail += ": the server accepted a token that expired an hour ago"
	}
	return ok, detail
}

func (r *runner) refreshSteps(ctx context.Context) {
	if r.refresh == "" {
		r.step(StepRefresh, func() (bool, string) { return false, "the login answered no refresh_token" })
		r.skip("no refreshed token", StepProtectedAfterRefresh)
		return
	}
	var fresh string
	ok := r.step(StepRefresh, func() (bool, string) {
		tok, ex := r.o.Client.Refresh(ctx, r.refresh)
		if !ex.OK() {
			return false, r.exchangeFailure(ex)
		}
		fresh = tok.AccessToken
		r.secrets = append(r.secrets, tok.AccessToken, tok.RefreshToken)
		v := token.Verify(r.o.Keys, fresh, r.o.Now())
		switch {
		case !v.Valid:
			return false, fmt.Sprintf("the new access token is %s: %s", v.Status, v.Reason)
		case r.claims != nil && v.Claims.Subject != r.claims.Subject:
			return false, fmt.Sprintf("the new access token is for sub %q, not %q", v.Claims.Subject, r.claims.Subject)
		}
		return true, fmt.Sprintf("HTTP %d: a new access token for the same user, verified offline", ex.Status)
	})
	if !ok {
		r.skip("the refresh failed", StepProtectedAfterRefresh)
		return
	}
	r.step(StepProtectedAfterRefresh, func() (bool, string) {
		return r.expect(ctx, fresh, 200, "the server accepted the refreshed access token")
	})
}

// exchangeFailure says why a login or refresh did not give tokens.
func (r *runner) exchangeFailure(ex Exchange) string {
	switch {
	case ex.Status == 0:
		return describeTransport(ex)
	case ex.Kind == KindBadResponse:
		return fmt.Sprintf("HTTP %d, but %v", ex.Status, ex.Err)
	}
	return fmt.Sprintf("HTTP %d%s", ex.Status, r.quote(ex.Detail))
}

// quote appends the server's own message, scrubbed.
func (r *runner) quote(detail string) string {
	if detail == "" {
		return ""
	}
	return fmt.Sprintf(" (server says: %s)", scrub(detail, r.secrets...))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
