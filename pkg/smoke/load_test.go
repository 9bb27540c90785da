package smoke_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
	"github.com/dhafnckmcp/dhmig/pkg/smoke/smoketest"
)

func creds(pairs ...string) []smoke.Credentials {
	var out []smoke.Credentials
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, smoke.Credentials{Email: pairs[i], Password: []byte(pairs[i+1])})
	}
	return out
}

// checkSums holds a report to its own arithmetic: requests = successes +
// errors overall, per operation and per error kind, and ordered
// percentiles. No figure is compared with a time: the machine decides those.
func checkSums(t *testing.T, rep smoke.LoadReport) {
	t.Helper()
	if rep.Requests != rep.Successes+rep.Errors {
		t.Errorf("requests %d != successes %d + errors %d", rep.Requests, rep.Successes, rep.Errors)
	}
	var byKind, opReq, opOK int64
	for _, n := range rep.ErrorsByKind {
		byKind += n
	}
	for name, op := range rep.Operations {
		opReq += op.Requests
		opOK += op.Successes
		if op.Requests != op.Successes+op.Errors {
			t.Errorf("%s: requests %d != %d + %d", name, op.Requests, op.Successes, op.Errors)
		}
		l := op.LatencyMS
		if !(l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max) {
			t.Errorf("%s: percentiles out of order: %+v", name, l)
		}
	}
	if byKind != rep.Errors || opReq != rep.Requests || opOK != rep.Successes {
		t.Errorf("errors by kind %d, operations %d/%d; report %d errors, %d requests, %d ok", byKind, opReq, opOK, rep.Errors, rep.Requests, rep.Successes)
	}
	l := rep.LatencyMS
	if !(0 < l.P50 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max) && rep.Answered > 0 {
		t.Errorf("percentiles out of order: %+v", l)
	}
	if rep.Requests > 0 && rep.ErrorRate != float64(rep.Errors)/float64(rep.Requests) {
		t.Errorf("error rate %v", rep.ErrorRate)
	}
}

// TestLoadCountsAddUp: logins and refreshes as two accounts, bounded by
// a request count; every request is accounted for, and the server agrees.
func TestLoadCountsAddUp(t *testing.T) {
	db := migrated(t, dbtest.SQLite(t))
	srv := smoketest.Start(t, db, smoketest.Options{Secret: secret})
	zero := 0.0
	rep, err := smoke.Load(context.Background(), smoke.LoadOptions{
		Client: client(t, srv.URL), Accounts: creds("alice@example.com", "alice-pw", "bob@example.com", "bob-pw"),
		Concurrency: 4, Duration: time.Minute, Requests: 60, Refresh: true,
		Gate: smoke.Gate{MaxP95MS: 60_000, MaxErrorRate: &zero},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rep)
	login, refresh := rep.Operations[smoke.OpLogin], rep.Operations[smoke.OpRefresh]
	if rep.Requests != 60 || rep.Errors != 0 || login.Requests != 30 || refresh.Requests != 30 || rep.StoppedBy != smoke.StoppedRequests {
		t.Fatalf("report %+v", rep)
	}
	if srv.Logins.Load() != 30 || srv.Refreshes.Load() != 30 {
		t.Errorf("the server answered %d logins and %d refreshes", srv.Logins.Load(), srv.Refreshes.Load())
	}
	// Keep-alive: the 4 clients reuse their connections instead of opening
	// one per request (the bound leaves room for the transport's dial race).
	if n := srv.Conns.Load(); n < 1 || n > 12 {
		t.Errorf("%d connections for 60 requests from 4 clients", n)
	}
	if rep.Gate == nil || !rep.Gate.Passed || rep.Err() != nil {
		t.Errorf("gate %+v, err %v", rep.Gate, rep.Err())
	}
	t.Logf("60 requests, concurrency 4: %.1f req/s, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms",
		rep.ThroughputPerSecond, rep.LatencyMS.P50, rep.LatencyMS.P95, rep.LatencyMS.P99, rep.LatencyMS.Max)
}

// TestLoadGateBreached: one account of two has a wrong password, so half
// the logins fail with 401; the error-rate gate says so and the report
// counts them by kind.
func TestLoadGateBreached(t *testing.T) {
	db := migrated(t, dbtest.SQLite(t))
	srv := smoketest.Start(t, db, smoketest.Options{Secret: secret})
	limit := 0.1
	rep, err := smoke.Load(context.Background(), smoke.LoadOptions{
		Client: client(t, srv.URL), Accounts: creds("alice@example.com", "alice-pw", "bob@example.com", "wrong"),
		Concurrency: 3, Duration: time.Minute, Requests: 20, Gate: smoke.Gate{MaxErrorRate: &limit},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rep)
	if rep.Requests != 20 || rep.Errors != 10 || rep.ErrorsByKind["http_401"] != 10 || rep.ErrorRate != 0.5 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Gate.Passed || rep.Gate.ErrorRateBreach == "" || rep.Gate.P95Breach != "" || !errors.Is(rep.Err(), smoke.ErrGateBreached) {
		t.Fatalf("gate %+v, err %v", rep.Gate, rep.Err())
	}
}

// TestLoadTimeouts: a server slower than the per-request timeout gives
// timeouts, counted as errors of their own kind and kept out of the
// latencies (nothing was answered).
func TestLoadTimeouts(t *testing.T) {
	db := migrated(t, dbtest.SQLite(t))
	srv := smoketest.Start(t, db, smoketest.Options{Secret: secret, LoginDelay: 5 * time.Second})
	c, err := smoke.NewClient(smoke.ClientOptions{Server: srv.URL, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rep, err := smoke.Load(context.Background(), smoke.LoadOptions{Client: c, Accounts: creds("alice@example.com", "alice-pw"),
		Concurrency: 2, Duration: time.Minute, Requests: 4})
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rep)
	if rep.Requests != 4 || rep.ErrorsByKind["timeout"] != 4 || rep.Answered != 0 || rep.LatencyMS != (smoke.Latency{}) || rep.Err() != nil {
		t.Fatalf("report %+v", rep)
	}
}

// TestLoadStops: by duration, by cancellation (SIGINT) with the figures so
// far, and as unreachable when nothing listens.
func TestLoadStops(t *testing.T) {
	db := migrated(t, dbtest.SQLite(t))
	srv := smoketest.Start(t, db, smoketest.Options{Secret: secret})
	acct := creds("alice@example.com", "alice-pw")

	rep, err := smoke.Load(context.Background(), smoke.LoadOptions{Client: client(t, srv.URL), Accounts: acct,
		Concurrency: 2, Duration: 300 * time.Millisecond})
	if err != nil || rep.StoppedBy != smoke.StoppedDuration || rep.Requests == 0 {
		t.Fatalf("by duration: %v, %+v", err, rep)
	}
	checkSums(t, rep)

	ctx, cancel := context.WithCancel(context.Background())
	progressed := 0
	rep, err = smoke.Load(ctx, smoke.LoadOptions{Client: client(t, srv.URL), Accounts: acct, Concurrency: 2,
		Duration: time.Minute, ProgressEvery: 20 * time.Millisecond,
		Progress: func(p smoke.LoadProgress) {
			progressed++
			if p.Requests >= 10 {
				cancel() // what SIGINT does to the command's context
			}
		}})
	if !errors.Is(err, context.Canceled) || rep.StoppedBy != smoke.StoppedInterrupted || rep.Requests < 10 || progressed == 0 {
		t.Fatalf("interrupted: %v, %+v", err, rep)
	}
	checkSums(t, rep)
	if got := srv.Logins.Load(); got < rep.Successes {
		t.Errorf("the report counts %d successes, the server answered %d", rep.Successes, got)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	rep, err = smoke.Load(context.Background(), smoke.LoadOptions{Client: client(t, url), Accounts: acct, Concurrency: 2,
		Duration: time.Minute, Requests: 6})
	if err != nil || rep.Requests != 6 || rep.ErrorsByKind["unreachable"] != 6 || !errors.Is(rep.Err(), smoke.ErrUnreachable) {
		t.Fatalf("unreachable: %v, %+v, %v", err, rep, rep.Err())
	}
}
