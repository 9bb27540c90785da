package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Links are the letter's fixed fields: the same for every user.
type Links struct {
	SupportEmail string
	GuideURL     string
	ResetURL     string
}

// fields fills a template's fields for one user.
func (l Links) fields(r Recipient) Fields {
	return Fields{Username: r.Username, Email: r.Email, TempPassword: r.TempPassword,
		SupportEmail: l.SupportEmail, GuideURL: l.GuideURL, ResetURL: l.ResetURL}
}

// SendOptions configure an executing run.
type SendOptions struct {
	// Target is whose user table the recipients are read from (nil: the
	// guide's).
	Target      *target.Profile
	Template    *Template
	Audience    Audience
	Links       Links
	From        Sender
	SMTP        SMTPOptions
	RetryFailed bool
	// Rate is messages per second over all connections (0: unlimited).
	Rate float64
	// Concurrency is how many connections send at once (default 1).
	Concurrency int
	// MaxAttempts bounds the tries of one message or connection (default 3);
	// Backoff is the wait after the first failed try, doubled after each.
	MaxAttempts int
	Backoff     time.Duration
	RunID       string
	Logger      *slog.Logger
	// Progress is called after each user is done with (done, total), one
	// call at a time.
	Progress func(done, total int)
	// Secrets are masked in every recorded or logged error text.
	Secrets []string
	Now     func() time.Time
}

// Errors of an executing run that end it with its counts reported.
var (
	// ErrRecipientsFailed: the server refused some recipients for good
	// (exit 3); everyone else was sent.
	ErrRecipientsFailed = errors.New("recipients refused permanently")
	// ErrDeferred: temporary failures outlasted the retries; a re-run
	// sends those messages.
	ErrDeferred = errors.New("messages deferred after temporary failures")
	// ErrServer: the mail server could not be used (unreachable after the
	// retries, no STARTTLS, a refused login).
	ErrServer = errors.New("mail server")
)

// Result is what an executing run did.
type Result struct {
	Template       string   `json:"template"`
	TemplateSHA256 string   `json:"template_sha256"`
	Audience       Audience `json:"audience"`
	RunID          string   `json:"run_id"`
	// Before is the ledger for the audience when the run started.
	Before Counts `json:"before"`
	// Due is how many users the run set out to write to.
	Due int `json:"due"`
	// Sent, Failed, Deferred and InDoubt count this run's outcomes;
	// Skipped are users another run claimed first.
	Sent        int     `json:"sent"`
	Failed      int     `json:"failed"`
	Deferred    int     `json:"deferred"`
	InDoubt     int     `json:"in_doubt"`
	Skipped     int     `json:"skipped"`
	Interrupted bool    `json:"interrupted"`
	DurationSec float64 `json:"duration_seconds"`
}

// Send writes the letter to every due user of the audience through SMTP,
// recording each message in dhmig_notifications. ex must not be a
// transaction: each claim and answer is committed at once, which is what
// makes a crash leave an accurate ledger. A cancelled ctx stops the run
// after the messages in flight, which are still recorded.
func Send(ctx context.Context, ex database.Executor, d database.Core, o SendOptions) (Result, error) {
	start := time.Now()
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Concurrency = max(o.Concurrency, 1)
	if o.MaxAttempts < 1 {
		o.MaxAttempts = 3
	}
	res := Result{Template: o.Template.Name, TemplateSHA256: o.Template.SHA256, Audience: o.Audience, RunID: o.RunID}
	if err := hasLedger(ctx, ex, d); err != nil {
		return res, err
	}
	plan, err := MakePlan(ctx, ex, d, o.Target, o.Template, o.Audience, o.RetryFailed)
	if err != nil {
		return res, err
	}
	res.Before, res.Due = plan.Counts(), len(plan.Due)

	s := &sendRun{o: o, res: &res, lim: newLimiter(o.Rate), total: len(plan.Due),
		led: &ledger{ex: ex, d: d, sha: o.Template.SHA256, runID: o.RunID, now: o.Now}}
	// stop ends the run early on a fatal error; ctx (SIGINT) as well.
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	s.stop = stop
	jobs := make(chan Recipient)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Go(func() { s.worker(stopCtx, jobs) })
	}
feed:
	for _, r := range plan.Due {
		select {
		case jobs <- r:
		case <-stopCtx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	res.DurationSec = time.Since(start).Seconds()

	switch {
	case s.fatal != nil:
		return res, s.fatal
	case ctx.Err() != nil:
		res.Interrupted = true
		return res, fmt.Errorf("notify stopped after the messages in flight: %w", ctx.Err())
	case res.Failed > 0:
		return res, fmt.Errorf("%w: %d of %d (recorded as failed; --retry-failed sends them again)", ErrRecipientsFailed, res.Failed, res.Due)
	case res.Deferred > 0:
		return res, fmt.Errorf("%w: %d (left pending; run notify --execute again)", ErrDeferred, res.Deferred)
	}
	return res, nil
}

// sendRun is the state the workers share.
type sendRun struct {
	o     SendOptions
	led   *ledger
	lim   *limiter
	stop  context.CancelFunc
	total int

	mu    sync.Mutex
	res   *Result
	done  int
	fatal error
}

// count records one user's outcome; Progress is called under the lock, so
// callers need no synchronisation of their own.
func (s *sendRun) count(f func(r *Result)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.res)
	s.done++
	if s.o.Progress != nil {
		s.o.Progress(s.done, s.total)
	}
}

func (s *sendRun) fail(err error) {
	s.mu.Lock()
	if s.fatal == nil {
		s.fatal = err
	}
	s.mu.Unlock()
	s.stop()
}

func (s *sendRun) backoff(attempt int) time.Duration {
	d := s.o.Backoff << (attempt - 1)
	if d <= 0 || d > time.Minute {
		d = min(max(s.o.Backoff, 0), time.Minute)
	}
	return d
}

// worker sends over one connection, reused until it breaks.
func (s *sendRun) worker(ctx context.Context, jobs <-chan Recipient) {
	conn := &smtpConn{o: s.o.SMTP}
	defer conn.close()
	for r := range jobs {
		if ctx.Err() != nil {
			return
		}
		s.deliver(ctx, conn, r)
	}
}

// deliver takes one user through claim, SMTP and the recorded answer,
// retrying temporary failures with backoff. Once a message is claimed its
// outcome is recorded even when ctx is cancelled meanwhile.
func (s *sendRun) deliver(ctx context.Context, conn *smtpConn, r Recipient) {
	log := s.o.Logger.With("user_id", r.UserID)
	record := context.WithoutCancel(ctx)
	letter, err := s.o.Template.Render(s.o.Links.fields(r))
	if err != nil {
		s.fail(err)
		return
	}
	for attempt := 1; ; attempt++ {
		if err := s.lim.wait(ctx); err != nil {
			return
		}
		if err := conn.dial(ctx); err != nil {
			if ctx.Err() != nil {
				return // interrupted while connecting: nothing was claimed
			}
			v, retry := dialVerdict(err, s.o.Secrets)
			if !retry || attempt >= s.o.MaxAttempts {
				s.fail(fmt.Errorf("%w %s:%d: %s (after %d attempts)", ErrServer, s.o.SMTP.Host, s.o.SMTP.Port, v.text, attempt))
				return
			}
			log.Warn("cannot reach the mail server; retrying", "attempt", attempt, "error", v.text, "retry_in", s.backoff(attempt))
			if sleep(ctx, s.backoff(attempt)) != nil {
				return
			}
			continue
		}
		msgID := newMessageID(s.o.From)
		msg, berr := buildMessage(s.o.From, r, letter, msgID, s.o.Now())
		ok, err := s.led.claim(record, r.UserID, msgID, s.o.RetryFailed)
		if err != nil {
			s.fail(err)
			return
		}
		if !ok {
			s.count(func(res *Result) { res.Skipped++ })
			return
		}
		var v verdict
		if berr != nil {
			v = verdict{kind: permanent, code: CodeInvalidAddress, text: "the stored address is not one a mail server takes"}
		} else {
			log.Debug("sending", "email", r.Email, "message_id", msgID, "attempt", attempt)
			sendErr := conn.send(msg)
			v = judge(sendErr, msg.IsDelivered(), r.Email, s.o.Secrets)
		}
		if v.reconnect {
			conn.drop()
		}
		if v.senderRefused {
			// Not this user's failure: leave them pending and stop.
			v.kind = temporary
			if err := s.led.settle(record, r.UserID, v); err != nil {
				s.fail(err)
				return
			}
			s.fail(fmt.Errorf("%w %s:%d refused the sender SMTP_FROM_EMAIL: %s", ErrServer, s.o.SMTP.Host, s.o.SMTP.Port, v.text))
			return
		}
		if err := s.led.settle(record, r.UserID, v); err != nil {
			s.fail(err)
			return
		}
		switch v.kind {
		case delivered:
			log.Debug("sent", "email", r.Email, "message_id", msgID)
			s.count(func(res *Result) { res.Sent++ })
			return
		case permanent:
			log.Warn("recipient refused permanently", "code", v.code, "error", v.text)
			s.count(func(res *Result) { res.Failed++ })
			return
		case inDoubt:
			log.Warn("message in doubt: the connection was lost before the server answered", "message_id", msgID, "error", v.text)
			s.count(func(res *Result) { res.InDoubt++ })
			return
		}
		if attempt >= s.o.MaxAttempts || ctx.Err() != nil {
			log.Warn("temporary failure; left pending", "attempts", attempt, "code", v.code, "error", v.text)
			s.count(func(res *Result) { res.Deferred++ })
			return
		}
		log.Warn("temporary failure; retrying", "attempt", attempt, "code", v.code, "error", v.text, "retry_in", s.backoff(attempt))
		if sleep(ctx, s.backoff(attempt)) != nil {
			s.count(func(res *Result) { res.Deferred++ })
			return
		}
	}
}
