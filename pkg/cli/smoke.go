package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

type smokeOptions struct {
	server       string
	emails       []string
	passwordFile string
	paths        smoke.Paths
	refresh      bool
	timeout      time.Duration

	load         bool
	concurrency  int
	duration     time.Duration
	requests     int64
	maxP95       time.Duration
	maxErrorRate string
}

// Load test bounds: without --requests a run lasts defaultLoadDuration;
// with --requests alone it still stops after maxLoadDuration, so a CI job
// cannot hang on a slow server.
const (
	defaultLoadDuration = 10 * time.Second
	maxLoadDuration     = 10 * time.Minute
)

// NewSmokeCmd logs in against the running server as the guide's Step 6 does.
func NewSmokeCmd(f *Factory) *cobra.Command {
	o := &smokeOptions{}
	cmd := &cobra.Command{
		Use:   "smoke",
		Short: "Log in against the running server as a migrated user; --load for concurrent logins",
		Long: `Prove against the running server that a migrated user can log in, the guide's
Step 6, over its API contract: POST the login path with JSON {email, password}
(answering access_token and refresh_token), a protected GET with
"Authorization: Bearer <token>", and with --refresh the refresh path with JSON
{refresh_token}. One line per step:

  login                    the test account logs in (HTTP 200 with an access token)
  token                    the access token verifies offline with the configured
                           JWT_SECRET_KEY and JWT_ALGORITHM (the same check as
                           dhmig jwt verify)
  claims                   its sub and email are the account's auth_users row
  protected                the protected endpoint accepts it (200)
  tampered                 ... and refuses it with one signature character changed (401)
  expired                  ... and refuses the same user's token, signed with the
                           configured key but expired an hour ago (401)
  refresh                  (--refresh) the refresh token gives a new access token
                           that verifies offline
  protected_after_refresh  (--refresh) the protected endpoint accepts it (200)

The password comes from --password-file (its first line), DHMIG_SMOKE_PASSWORD,
or a prompt on the terminal; it is never a flag and never printed, nor are
tokens. The server and paths come from the flags, or from the settings
smoke_server_url, smoke_login_path, smoke_refresh_path and smoke_protected_path
(DHMIG_SMOKE_SERVER_URL, ... or dhmig.yaml).

--load runs the guide's load test instead: --concurrency clients log in (and
with --refresh refresh) as the --email accounts in turn (all with the one
password) over kept-alive connections, until --requests requests or
--duration (default 10s; at most 10m when only --requests is given). It
reports throughput, p50/p95/p99/max latency over the answered requests, and
errors by kind (http_<status>, timeout, connection, unreachable,
bad_response). --max-p95 and --max-error-rate make it a CI gate. Ctrl-C stops
it cleanly and prints the figures so far (exit 1). A progress line shows on a
terminal only.

With --target dhafnck the step-by-step check refuses to run (exit 2): its
endpoints, tokens and claims are the guide's. --load runs for any target.

Exit codes: 0 every step passed (load: the gate passed), 3 a step failed (load:
the gate was breached), 1 the server could not be reached or the run was
interrupted, 2 bad flags or configuration.`,
		Example: `  DHMIG_SMOKE_PASSWORD=... dhmig smoke --server http://localhost:8000 --email test@example.com --refresh
  dhmig smoke --server http://localhost:8000 --email test@example.com --password-file pw.txt -o junit > smoke.xml
  dhmig smoke --load --server http://localhost:8000 --email a@example.com --email b@example.com \
      --password-file pw.txt --concurrency 16 --duration 30s --refresh --max-p95 250ms --max-error-rate 0.01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON, output.JUnit)
			if err != nil {
				return err
			}
			gate, err := o.validate(cmd)
			if err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if p := cfg.Target(); !o.load && p != target.Guide {
				return usageErrorf("smoke checks the guide's auth contract, its tokens and auth_users; --target %s is not supported by it "+
					"(smoke --load only logs in and runs; dhmig login-check and dhmig jwt verify follow --target %[1]s)", p.Name)
			}
			client, err := o.client(cmd, cfg)
			if err != nil {
				return err
			}
			defer client.Close()
			if o.load {
				return runSmokeLoad(cmd.Context(), f, format, o, client, gate)
			}
			return runSmoke(cmd.Context(), f, format, cfg, o, client)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.server, "server", "", "the app's base URL, e.g. http://localhost:8000 (setting smoke_server_url)")
	fl.StringArrayVar(&o.emails, "email", nil, "the test account's email (repeat for more accounts with --load)")
	fl.StringVar(&o.passwordFile, "password-file", "", "file whose first line is the test account's password (else DHMIG_SMOKE_PASSWORD or a prompt)")
	fl.StringVar(&o.paths.Login, "login-path", "", "login endpoint (default /api/auth/login; setting smoke_login_path)")
	fl.StringVar(&o.paths.Refresh, "refresh-path", "", "refresh endpoint (default /api/auth/refresh; setting smoke_refresh_path)")
	fl.StringVar(&o.paths.Protected, "protected-path", "", "a protected GET endpoint (default /api/protected-endpoint; setting smoke_protected_path)")
	fl.BoolVar(&o.refresh, "refresh", false, "also refresh the token and use the new one")
	fl.DurationVar(&o.timeout, "timeout", smoke.DefaultTimeout, "per-request timeout")
	fl.BoolVar(&o.load, "load", false, "run the load test instead of the step-by-step check")
	fl.IntVar(&o.concurrency, "concurrency", 4, "load: concurrent clients")
	fl.DurationVar(&o.duration, "duration", 0, "load: how long to run (default 10s; with --requests alone, at most 10m)")
	fl.Int64Var(&o.requests, "requests", 0, "load: stop after this many requests (logins and refreshes)")
	fl.DurationVar(&o.maxP95, "max-p95", 0, "load gate: fail (exit 3) when p95 latency is above this, e.g. 250ms")
	fl.StringVar(&o.maxErrorRate, "max-error-rate", "", "load gate: fail (exit 3) when the share of failed requests is above this, e.g. 0.01 or 1%")
	return cmd
}

// validate checks the flags before anything connects and returns the gate.
func (o *smokeOptions) validate(cmd *cobra.Command) (smoke.Gate, error) {
	var gate smoke.Gate
	if len(o.emails) == 0 {
		return gate, usageErrorf("--email is required: the test account to log in as")
	}
	for _, e := range o.emails {
		if strings.TrimSpace(e) == "" {
			return gate, usageErrorf("--email must not be empty")
		}
	}
	if o.timeout <= 0 {
		return gate, usageErrorf("--timeout must be positive")
	}
	if !o.load {
		for _, name := range []string{"concurrency", "duration", "requests", "max-p95", "max-error-rate"} {
			if cmd.Flags().Changed(name) {
				return gate, usageErrorf("--%s needs --load", name)
			}
		}
		if len(o.emails) > 1 {
			return gate, usageErrorf("one --email at a time without --load")
		}
		return gate, nil
	}
	switch {
	case o.concurrency < 1 || o.concurrency > 1000:
		return gate, usageErrorf("--concurrency must be between 1 and 1000")
	case o.requests < 0:
		return gate, usageErrorf("--requests must be 0 (no limit) or more")
	case cmd.Flags().Changed("duration") && o.duration <= 0:
		return gate, usageErrorf("--duration must be positive")
	case o.maxP95 < 0:
		return gate, usageErrorf("--max-p95 must be positive")
	case o.duration > maxLoadDuration:
		return gate, usageErrorf("--duration must be at most %s", maxLoadDuration)
	}
	if o.duration == 0 {
		o.duration = defaultLoadDuration
		if o.requests > 0 {
			o.duration = maxLoadDuration
		}
	}
	gate.MaxP95MS = float64(o.maxP95) / float64(time.Millisecond)
	if o.maxErrorRate != "" {
		r, err := parseRate(o.maxErrorRate)
		if err != nil {
			return gate, usageErrorf("--max-error-rate %q: %v", o.maxErrorRate, err)
		}
		gate.MaxErrorRate = &r
	}
	return gate, nil
}

// parseRate reads a share as a fraction (0.01) or a percentage (1%).
func parseRate(s string) (float64, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, errors.New("want a fraction such as 0.01 or a percentage such as 1%")
	}
	if pct {
		v /= 100
	}
	if v < 0 || v > 1 {
		return 0, errors.New("must be between 0 and 1 (0% and 100%)")
	}
	return v, nil
}

// client builds the HTTP client from the flags over the settings.
func (o *smokeOptions) client(cmd *cobra.Command, cfg *config.Config) (*smoke.Client, error) {
	pick := func(flag, val, key string) string {
		if cmd.Flags().Changed(flag) {
			return val
		}
		return cfg.Get(key)
	}
	server := pick("server", o.server, "smoke_server_url")
	paths := smoke.Paths{
		Login:     pick("login-path", o.paths.Login, "smoke_login_path"),
		Refresh:   pick("refresh-path", o.paths.Refresh, "smoke_refresh_path"),
		Protected: pick("protected-path", o.paths.Protected, "smoke_protected_path"),
	}
	c, err := smoke.NewClient(smoke.ClientOptions{Server: server, Paths: paths, Timeout: o.timeout, Conns: o.concurrency})
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return c, nil
}

func runSmoke(ctx context.Context, f *Factory, format output.Format, cfg *config.Config, o *smokeOptions, client *smoke.Client) error {
	keys, err := jwtKeys(cfg)
	if err != nil {
		return err
	}
	pw, err := f.smokePassword(o.passwordFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	db, err := f.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := smoke.Run(ctx, smoke.Options{Client: client, Email: o.emails[0], Password: pw, Keys: keys,
		Refresh: o.refresh, DB: db, Dialect: db.Dialect})
	if err != nil && len(rep.Steps) == 0 {
		return err
	}
	f.Logger().Info("smoke finished", "ok", rep.OK, "steps", len(rep.Steps), "duration_ms", rep.DurationMS)
	if werr := writeSmoke(f.IO.Out, format, rep); werr != nil {
		return werr
	}
	if err != nil { // interrupted: the steps so far are on stdout
		return reported(err)
	}
	return reported(rep.Err())
}

func runSmokeLoad(ctx context.Context, f *Factory, format output.Format, o *smokeOptions, client *smoke.Client, gate smoke.Gate) error {
	pw, err := f.smokePassword(o.passwordFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	accts := make([]smoke.Credentials, len(o.emails))
	for i, e := range o.emails {
		accts[i] = smoke.Credentials{Email: e, Password: pw}
	}
	status := output.NewStatusLine(f.IO, !f.Global.NoProgress && !f.Global.Quiet)
	rep, err := smoke.Load(ctx, smoke.LoadOptions{Client: client, Accounts: accts, Concurrency: o.concurrency,
		Duration: o.duration, Requests: o.requests, Refresh: o.refresh, Gate: gate,
		Progress: func(p smoke.LoadProgress) {
			status.Set(fmt.Sprintf("load: %s, %d requests, %d errors, %.0f req/s",
				p.Elapsed.Truncate(time.Second), p.Requests, p.Errors, float64(p.Requests)/max(p.Elapsed.Seconds(), 0.001)))
		}})
	status.Done()
	if rep.Server == "" { // the options were refused before anything ran
		return err
	}
	f.Logger().Info("load test finished", "requests", rep.Requests, "errors", rep.Errors, "stopped_by", rep.StoppedBy,
		"p95_ms", rep.LatencyMS.P95, "throughput_per_second", rep.ThroughputPerSecond)
	if werr := writeSmokeLoad(f.IO.Out, format, rep); werr != nil {
		return werr
	}
	if err != nil {
		return reported(fmt.Errorf("load test stopped after %d requests: %w", rep.Requests, err))
	}
	return reported(rep.Err())
}
