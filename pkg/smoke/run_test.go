package smoke_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
	"github.com/dhafnckmcp/dhmig/pkg/smoke/smoketest"
)

func client(t testing.TB, url string) *smoke.Client {
	t.Helper()
	c, err := smoke.NewClient(smoke.ClientOptions{Server: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func run(t *testing.T, db *database.DB, url, email, pw string, refresh bool) smoke.Report {
	t.Helper()
	rep, err := smoke.Run(context.Background(), smoke.Options{Client: client(t, url), Email: email, Password: []byte(pw),
		Keys: hs256(t, secret), Refresh: refresh, DB: db, Dialect: db.Dialect})
	if err != nil {
		t.Fatal(err)
	}
	// Neither the password nor a token reaches the report.
	b, _ := json.Marshal(rep)
	if strings.Contains(string(b), pw) || strings.Contains(string(b), "eyJ") {
		t.Fatalf("the report holds the password or a token: %s", b)
	}
	return rep
}

// statuses renders the steps as id=status, in order.
func statuses(rep smoke.Report) string {
	var s []string
	for _, st := range rep.Steps {
		s = append(s, st.ID+"="+string(st.Status))
	}
	return strings.Join(s, " ")
}

func step(t *testing.T, rep smoke.Report, id string) smoke.Step {
	t.Helper()
	for _, s := range rep.Steps {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %s in %s", id, statuses(rep))
	return smoke.Step{}
}

// TestRunPasses: a user migrated by dhmig logs in with the legacy password
// against a server that speaks the guide's contract, on both engines.
func TestRunPasses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := migrated(t, tg)
		srv := smoketest.Start(t, db, smoketest.Options{Secret: secret})
		rep := run(t, db, srv.URL, " Alice@Example.com", "alice-pw", true)
		want := "login=pass token=pass claims=pass protected=pass tampered=pass expired=pass refresh=pass protected_after_refresh=pass"
		if got := statuses(rep); got != want || !rep.OK || rep.Err() != nil {
			t.Fatalf("steps %s (ok %v, err %v), want %s\n%+v", got, rep.OK, rep.Err(), want, rep.Steps)
		}
		var id string
		if err := db.Get(&id, `SELECT CAST(id AS TEXT) FROM auth_users WHERE email = 'alice@example.com'`); err != nil {
			t.Fatal(err)
		}
		if rep.UserID != id || !strings.Contains(step(t, rep, smoke.StepClaims).Detail, id) {
			t.Errorf("user id %s, claims %q, want %s", rep.UserID, step(t, rep, smoke.StepClaims).Detail, id)
		}
		if d := step(t, rep, smoke.StepToken).Detail; d != "signature verifies with the configured HS256 key; type access; lifetime 15m0s" {
			t.Errorf("token detail %q", d)
		}
		if srv.Logins.Load() != 1 || srv.Refreshes.Load() != 1 {
			t.Errorf("server saw %d logins, %d refreshes", srv.Logins.Load(), srv.Refreshes.Load())
		}
	})
}

// TestRunNamesTheFailedStep: a wrong password, an inactive user and three
// broken servers each fail exactly the step that catches them.
func TestRunNamesTheFailedStep(t *testing.T) {
	db := migrated(t, dbtest.SQLite(t))
	good := smoketest.Start(t, db, smoketest.Options{Secret: secret})
	tests := []struct {
		name, email, pw string
		srv             *smoketest.Server
		want, detail    string
	}{
		{"wrong password", "alice@example.com", "not-alice", good,
			"login=fail token=skip claims=skip protected=skip tampered=skip expired=skip refresh=skip protected_after_refresh=skip",
			"HTTP 401 (server says: Invalid email or password)"},
		{"inactive user", "carol@example.com", "carol-pw", good,
			"login=fail token=skip claims=skip protected=skip tampered=skip expired=skip refresh=skip protected_after_refresh=skip",
			"HTTP 403 (server says: Account is not active)"},
		{"locked user", "dave@example.com", "dave-pw", good,
			"login=fail token=skip claims=skip protected=skip tampered=skip expired=skip refresh=skip protected_after_refresh=skip",
			"HTTP 403 (server says: Account is locked)"},
		{"another secret", "alice@example.com", "alice-pw",
			smoketest.Start(t, db, smoketest.Options{Secret: []byte("the-other-installation's-secret-0123456789")}),
			"login=pass token=fail claims=skip protected=pass tampered=pass expired=skip refresh=fail protected_after_refresh=skip",
			"forged: the signature does not verify with the configured HS256 key"},
		{"accepts tampered tokens", "alice@example.com", "alice-pw",
			smoketest.Start(t, db, smoketest.Options{Secret: secret, AcceptTampered: true}),
			"login=pass token=pass claims=pass protected=pass tampered=fail expired=fail refresh=pass protected_after_refresh=pass",
			"HTTP 200, want 401: the server accepted a token whose signature was altered"},
		{"accepts expired tokens", "alice@example.com", "alice-pw",
			smoketest.Start(t, db, smoketest.Options{Secret: secret, AcceptExpired: true}),
			"login=pass token=pass claims=pass protected=pass tampered=pass expired=fail refresh=pass protected_after_refresh=pass",
			"HTTP 200, want 401: the server accepted a token that expired an hour ago"},
		{"no refresh token", "alice@example.com", "alice-pw",
			smoketest.Start(t, db, smoketest.Options{Secret: secret, NoRefreshToken: true}),
			"login=pass token=pass claims=pass protected=pass tampered=pass expired=pass refresh=fail protected_after_refresh=skip",
			"the login answered no refresh_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := run(t, db, tt.srv.URL, tt.email, tt.pw, true)
			if got := statuses(rep); got != tt.want {
				t.Fatalf("steps\n %s\nwant\n %s\n%+v", got, tt.want, rep.Steps)
			}
			var first smoke.Step
			for _, s := range rep.Steps {
				if s.Status == smoke.StatusFail {
					first = s
					break
				}
			}
			if !strings.HasPrefix(first.Detail, tt.detail) {
				t.Errorf("%s detail %q, want it to begin %q", first.ID, first.Detail, tt.detail)
			}
			err := rep.Err()
			if rep.OK || !errors.Is(err, smoke.ErrFailed) || errors.Is(err, smoke.ErrUnreachable) {
				t.Errorf("ok %v, err %v", rep.OK, err)
			}
		})
	}
}

// TestRunUnreachable: nothing listens, so the run says the server cannot be
// reached instead of blaming a step.
func TestRunUnreachable(t *testing.T) {
	db := migrated(t, dbtest.SQLite(t))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	rep := run(t, db, url, "alice@example.com", "alice-pw", false)
	if !rep.Unreachable || !errors.Is(rep.Err(), smoke.ErrUnreachable) || errors.Is(rep.Err(), smoke.ErrFailed) {
		t.Fatalf("unreachable %v, err %v", rep.Unreachable, rep.Err())
	}
	if d := step(t, rep, smoke.StepLogin).Detail; !strings.HasPrefix(d, "cannot reach the server: ") || !strings.Contains(d, "refused") {
		t.Errorf("login detail %q", d)
	}
}

// TestRunClaimsAreTheRow: the server's tokens are held to the database
// dhmig reads; when that is not the server's database (a copy migrated
// separately, or none at all), the claims step says so.
func TestRunClaimsAreTheRow(t *testing.T) {
	served := migrated(t, dbtest.SQLite(t))
	srv := smoketest.Start(t, served, smoketest.Options{Secret: secret})

	other := migrated(t, dbtest.SQLite(t)) // same users, other ids
	rep := run(t, other, srv.URL, "alice@example.com", "alice-pw", false)
	if got := statuses(rep); got != "login=pass token=pass claims=fail protected=pass tampered=pass expired=pass" {
		t.Fatalf("steps %s", got)
	}
	if d := step(t, rep, smoke.StepClaims).Detail; !strings.HasPrefix(d, `sub is "`) || !strings.Contains(d, "the row's id is "+rep.UserID) {
		t.Errorf("claims detail %q", d)
	}

	empty := dbtest.Open(t, dbtest.SQLite(t))
	rep = run(t, empty, srv.URL, "alice@example.com", "alice-pw", false)
	if d := step(t, rep, smoke.StepClaims); d.Status != smoke.StatusFail || !strings.Contains(d.Detail, "no auth_users table") {
		t.Errorf("claims against an empty database: %+v", d)
	}
}
