package smoke

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// unreachablePause is how long a client waits after a failed dial.
const unreachablePause = 50 * time.Millisecond

// Credentials are one test account of a load test.
type Credentials struct {
	Email    string
	Password []byte
}

// LoadOptions are one load test: Concurrency clients logging in (and
// refreshing) as the accounts in turn, until Requests requests have been
// made or Duration has passed, whichever comes first.
type LoadOptions struct {
	Client      *Client
	Accounts    []Credentials
	Concurrency int
	// Duration bounds the run's time; it must be positive.
	Duration time.Duration
	// Requests bounds the run's requests (0: only Duration bounds it).
	Requests int64
	// Refresh makes each client refresh after each login (a second
	// request, counted as such).
	Refresh bool
	Gate    Gate
	// Progress, when set, is called from one goroutine about every
	// ProgressEvery (default 500ms) while the run lasts.
	Progress      func(LoadProgress)
	ProgressEvery time.Duration
}

// LoadProgress is the running count for a progress line.
type LoadProgress struct {
	Elapsed  time.Duration
	Requests int64
	Errors   int64
}

// Operation names.
const (
	OpLogin   = "login"
	OpRefresh = "refresh"
)

// OpStats are the figures of one operation.
type OpStats struct {
	Requests  int64   `json:"requests"`
	Successes int64   `json:"successes"`
	Errors    int64   `json:"errors"`
	LatencyMS Latency `json:"latency_ms"`
}

// How a load test stopped.
const (
	StoppedRequests    = "requests"
	StoppedDuration    = "duration"
	StoppedInterrupted = "interrupted"
)

// LoadReport is a load test's figures. Requests = Successes + Errors;
// latencies are over the requests that got an answer (Answered), so a
// timeout does not pass for a latency; the error rate is over all.
type LoadReport struct {
	Server              string             `json:"server"`
	Accounts            int                `json:"accounts"`
	Concurrency         int                `json:"concurrency"`
	Refresh             bool               `json:"refresh"`
	StoppedBy           string             `json:"stopped_by"`
	DurationSeconds     float64            `json:"duration_seconds"`
	Requests            int64              `json:"requests"`
	Successes           int64              `json:"successes"`
	Errors              int64              `json:"errors"`
	Answered            int64              `json:"answered"`
	ErrorRate           float64            `json:"error_rate"`
	ThroughputPerSecond float64            `json:"throughput_per_second"`
	LatencyMS           Latency            `json:"latency_ms"`
	ErrorsByKind        map[string]int64   `json:"errors_by_kind"`
	Operations          map[string]OpStats `json:"operations"`
	Gate                *GateResult        `json:"gate"`
}

// Err is nil unless the server was unreachable (no request got through,
// every one for want of a connection) or the gate was breached.
func (r LoadReport) Err() error {
	if r.Requests > 0 && r.Successes == 0 && r.ErrorsByKind[string(KindUnreachable)] == r.Errors {
		return fmt.Errorf("%w: %s", ErrUnreachable, r.Server)
	}
	if r.Gate != nil && !r.Gate.Passed {
		return fmt.Errorf("%w: %s", ErrGateBreached, r.Gate.Breaches[0])
	}
	return nil
}

// tally is one client's record, merged when the run ends.
type tally struct {
	ops map[string]*opTally
}

type opTally struct {
	requests, successes int64
	latencies           []time.Duration
	kinds               map[ErrorKind]int64
}

func (t *tally) add(op string, ex Exchange) {
	o := t.ops[op]
	if o == nil {
		o = &opTally{kinds: map[ErrorKind]int64{}}
		t.ops[op] = o
	}
	o.requests++
	if ex.Status != 0 {
		o.latencies = append(o.latencies, ex.Latency)
	}
	if ex.OK() {
		o.successes++
	} else {
		o.kinds[ex.Kind]++
	}
}

// Load runs the load test. It stops cleanly when ctx is cancelled (SIGINT)
// and reports the figures so far, returning ctx's error with them; requests
// cut short by the stop are not counted.
func Load(ctx context.Context, o LoadOptions) (LoadReport, error) {
	if len(o.Accounts) == 0 || o.Concurrency < 1 || o.Duration <= 0 || o.Requests < 0 {
		return LoadReport{}, errors.New("a load test needs accounts, a concurrency of at least 1 and a positive duration")
	}
	rep := LoadReport{Server: o.Client.Server(), Accounts: len(o.Accounts), Concurrency: o.Concurrency, Refresh: o.Refresh,
		ErrorsByKind: map[string]int64{}, Operations: map[string]OpStats{}}
	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()

	var issued, done, failed, next atomic.Int64
	// take claims n requests of the budget, or none.
	take := func(n int64) bool {
		if runCtx.Err() != nil {
			return false
		}
		if o.Requests == 0 || issued.Add(n) <= o.Requests {
			return true
		}
		issued.Add(-n)
		return false
	}
	tallies := make([]*tally, o.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.Concurrency {
		t := &tally{ops: map[string]*opTally{}}
		tallies[w] = t
		wg.Go(func() {
			// record counts an exchange unless the run's own end cut it
			// short; it reports whether the client goes on.
			record := func(op string, ex Exchange) bool {
				if ex.Err != nil && runCtx.Err() != nil {
					return false
				}
				t.add(op, ex)
				done.Add(1)
				if !ex.OK() {
					failed.Add(1)
				}
				return true
			}
			for {
				// A login and its refresh claim their budget together, so
				// that --requests splits evenly; a login that gives no
				// refresh hands its second request back.
				n := int64(1)
				if o.Refresh {
					n = 2
				}
				if !take(n) {
					if n == 1 || !take(1) {
						return
					}
					n = 1
				}
				acct := o.Accounts[int((next.Add(1)-1)%int64(len(o.Accounts)))]
				tok, ex := o.Client.Login(runCtx, acct.Email, acct.Password)
				if o.Refresh && ex.OK() && tok.RefreshToken == "" {
					ex.Err, ex.Kind = errors.New("the answer holds no refresh_token"), KindBadResponse
				}
				if !record(OpLogin, ex) {
					return
				}
				if ex.Kind == KindUnreachable {
					// Nothing listens: a failed dial returns at once, and
					// retrying in a tight loop would only spin a core.
					select {
					case <-runCtx.Done():
					case <-time.After(unreachablePause):
					}
				}
				if n == 2 && !ex.OK() {
					issued.Add(-1)
				}
				if n < 2 || !ex.OK() {
					continue
				}
				_, ex = o.Client.Refresh(runCtx, tok.RefreshToken)
				if !record(OpRefresh, ex) {
					return
				}
			}
		})
	}
	stopProgress := progressLoop(o, start, &done, &failed)
	wg.Wait()
	stopProgress()
	elapsed := time.Since(start)

	switch {
	case ctx.Err() != nil:
		rep.StoppedBy = StoppedInterrupted
	case o.Requests > 0 && issued.Load() >= o.Requests:
		rep.StoppedBy = StoppedRequests
	default:
		rep.StoppedBy = StoppedDuration
	}
	rep.DurationSeconds = elapsed.Seconds()
	merge(&rep, tallies)
	if rep.DurationSeconds > 0 {
		rep.ThroughputPerSecond = float64(rep.Requests) / rep.DurationSeconds
	}
	rep.Gate = o.Gate.judge(&rep)
	return rep, ctx.Err()
}

// merge adds up the clients' tallies into the report.
func merge(rep *LoadReport, tallies []*tally) {
	var all []time.Duration
	for _, op := range []string{OpLogin, OpRefresh} {
		var s OpStats
		var lat []time.Duration
		seen := false
		for _, t := range tallies {
			o := t.ops[op]
			if o == nil {
				continue
			}
			seen = true
			s.Requests += o.requests
			s.Successes += o.successes
			lat = append(lat, o.latencies...)
			for k, n := range o.kinds {
				rep.ErrorsByKind[string(k)] += n
			}
		}
		if !seen {
			continue
		}
		s.Errors = s.Requests - s.Successes
		all = append(all, lat...)
		rep.Answered += int64(len(lat))
		s.LatencyMS = summarize(lat)
		rep.Operations[op] = s
		rep.Requests += s.Requests
		rep.Successes += s.Successes
		rep.Errors += s.Errors
	}
	rep.LatencyMS = summarize(all)
	if rep.Requests > 0 {
		rep.ErrorRate = float64(rep.Errors) / float64(rep.Requests)
	}
}

// progressLoop calls o.Progress every ProgressEvery until stopped.
func progressLoop(o LoadOptions, start time.Time, done, failed *atomic.Int64) (stop func()) {
	if o.Progress == nil {
		return func() {}
	}
	every := o.ProgressEvery
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				o.Progress(LoadProgress{Elapsed: time.Since(start), Requests: done.Load(), Errors: failed.Load()})
			}
		}
	}()
	return func() { close(quit); <-finished }
}
