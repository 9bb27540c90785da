package cli

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/notify"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

type notifyOptions struct {
	execute, dryRun, status, retryFailed, smtpInsecure bool
	template                                           string
	supportEmail, guideURL, resetURL                   string
	only                                               string
	sample                                             int
	outbox                                             string
	rate                                               float64
	concurrency, maxAttempts                           int
	backoff                                            time.Duration
}

// notifyPlan is what the flags resolved to, ready for the package.
type notifyPlan struct {
	profile  *target.Profile
	tpl      *notify.Template
	audience notify.Audience
	links    notify.Links
}

// notifyDryRun is the documented JSON shape of a dry run (and --outbox).
type notifyDryRun struct {
	DryRun         bool            `json:"dry_run"`
	Database       string          `json:"database"`
	Template       string          `json:"template"`
	TemplateSHA256 string          `json:"template_sha256"`
	Audience       notify.Audience `json:"audience"`
	notify.Counts
	// Due is how many users --execute would write to now; DueTempPassword
	// how many of them get the temporary-password paragraph.
	Due             int    `json:"due"`
	DueTempPassword int    `json:"due_temp_password"`
	Outbox          string `json:"outbox,omitempty"`
	OutboxFiles     int    `json:"outbox_files"`
}

// notifyExecuted is the documented JSON shape of --execute.
type notifyExecuted struct {
	DryRun   bool   `json:"dry_run"`
	Database string `json:"database"`
	notify.Result
}

// NewNotifyCmd writes the guide's letter to every migrated user, once.
func NewNotifyCmd(f *Factory) *cobra.Command {
	o := &notifyOptions{}
	cmd := &cobra.Command{
		Use:   "notify [--dry-run | --execute | --status]",
		Short: "Send the guide's letter to every migrated user, once (a dry run unless --execute)",
		Long: `Write the guide's post-migration letter ("Important: Authentication System
Update") to every user dhmig migrated (dhmig_user_map), one message each,
read from the --target's user table (auth_users, or users for --target
dhafnck, where --only active means status ACTIVE). Users whose password was replaced by a temporary one get a paragraph telling
them to use password reset, and where. --template FILE replaces the letter
(Go text/template; the Subject is its first "Subject:" line; fields .Username,
.Email, .TempPassword, .SupportEmail, .GuideURL, .ResetURL). docs/notify.md has
the default letter and a custom one.

Without --execute this is a dry run: nothing is sent or written, the counts
are printed, --sample N prints N letters, and --outbox DIR writes each
message as an .eml file (mode 0600, directory 0700) for review or for
another mailer.

--execute sends through the SMTP settings config check validates (SMTP_HOST,
SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM_EMAIL): STARTTLS is required
unless --smtp-insecure (loopback only), credentials go only over TLS or to
loopback, one connection per --concurrency is reused, --rate messages per
second at most. dhmig_notifications records every message: a re-run sends
only to users not yet sent this letter; a permanent refusal (5xx) is recorded
failed and not retried unless --retry-failed; temporary failures (4xx, a lost
connection) are retried with backoff, then left pending for the next run. A
message whose answer was lost in a crash is "in doubt": --status reports it,
a plain re-run does not send it again, --retry-failed does. Ctrl-C stops
after the message in flight.

Exit codes: 0 done, 1 error, interrupted or messages deferred, 2 bad flags or
settings, 3 some recipients refused permanently, 4 another run holds the lock.`,
		Example: `  dhmig notify --guide-url https://docs.example.com/auth --reset-url https://app.example.com/reset \
    --support-email support@example.com --sample 2
  dhmig notify --outbox ./letters
  dhmig notify --execute --rate 10
  dhmig notify --status -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			p, err := o.validate(cmd, f)
			if err != nil {
				return err
			}
			switch {
			case o.status:
				return runNotifyStatus(cmd.Context(), f, p, format)
			case o.execute:
				return runNotifyExecute(cmd.Context(), f, o, p, format)
			}
			return runNotifyDryRun(cmd.Context(), f, o, p, format)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.execute, "execute", false, "send the messages (without it, a dry run that sends and writes nothing)")
	fl.BoolVar(&o.dryRun, "dry-run", false, "count, preview and --outbox only (the default)")
	fl.BoolVar(&o.status, "status", false, "report the letter's sent, failed, pending and in-doubt users")
	fl.StringVar(&o.template, "template", "", "letter template file (Go text/template; default: the guide's letter)")
	fl.StringVar(&o.supportEmail, "support-email", "", "support address in the letter (config notify_support_email)")
	fl.StringVar(&o.guideURL, "guide-url", "", "user guide link in the letter (config notify_guide_url)")
	fl.StringVar(&o.resetURL, "reset-url", "", "password reset page in the letter (config notify_reset_url)")
	fl.StringVar(&o.only, "only", "all", "who is written to: all, temp-passwords or active")
	fl.IntVar(&o.sample, "sample", 0, "dry run: print the first N letters")
	fl.StringVar(&o.outbox, "outbox", "", "dry run: write each message as DIR/<user id>.eml instead of sending")
	fl.BoolVar(&o.smtpInsecure, "smtp-insecure", false, "send without TLS (only to a loopback SMTP_HOST, e.g. a local relay)")
	fl.BoolVar(&o.retryFailed, "retry-failed", false, "also send to users recorded failed or in doubt")
	fl.Float64Var(&o.rate, "rate", 5, "messages per second at most")
	fl.IntVar(&o.concurrency, "concurrency", 1, "SMTP connections sending at once (1–8)")
	fl.IntVar(&o.maxAttempts, "max-attempts", 3, "tries per message after temporary failures (1–10)")
	fl.DurationVar(&o.backoff, "retry-backoff", 2*time.Second, "wait after the first temporary failure, doubled after each")
	cmd.MarkFlagsMutuallyExclusive("execute", "dry-run", "status")
	cmd.MarkFlagsMutuallyExclusive("execute", "outbox")
	cmd.MarkFlagsMutuallyExclusive("execute", "sample")
	cmd.MarkFlagsMutuallyExclusive("status", "outbox")
	cmd.MarkFlagsMutuallyExclusive("status", "sample")
	return cmd
}

// validate checks every flag and setting before anything connects.
func (o *notifyOptions) validate(cmd *cobra.Command, f *Factory) (notifyPlan, error) {
	var p notifyPlan
	var err error
	if p.audience, err = notify.ParseAudience(o.only); err != nil {
		return p, usageErrorf("--only %v", err)
	}
	switch {
	case o.sample < 0:
		return p, usageErrorf("--sample must be 0 or more")
	case o.rate <= 0:
		return p, usageErrorf("--rate must be above 0 messages per second")
	case o.concurrency < 1 || o.concurrency > 8:
		return p, usageErrorf("--concurrency must be between 1 and 8")
	case o.maxAttempts < 1 || o.maxAttempts > 10:
		return p, usageErrorf("--max-attempts must be between 1 and 10")
	case o.backoff < 0:
		return p, usageErrorf("--retry-backoff must not be negative")
	}
	p.tpl = notify.DefaultTemplate()
	if o.template != "" {
		b, err := os.ReadFile(o.template)
		if err != nil {
			return p, usageErrorf("--template: %v", err)
		}
		if p.tpl, err = notify.ParseTemplate(o.template, string(b)); err != nil {
			return p, usageErrorf("--template: %v", err)
		}
	}
	cfg, err := f.Config()
	if err != nil {
		return p, err
	}
	p.profile = cfg.Target()
	pick := func(flag, key string) string {
		if fl := cmd.Flags().Lookup(flag); fl != nil && fl.Changed {
			return strings.TrimSpace(fl.Value.String())
		}
		return strings.TrimSpace(cfg.Get(key))
	}
	p.links = notify.Links{SupportEmail: pick("support-email", "notify_support_email"),
		GuideURL: pick("guide-url", "notify_guide_url"), ResetURL: pick("reset-url", "notify_reset_url")}
	for _, l := range []struct{ flag, val string }{{"--guide-url", p.links.GuideURL}, {"--reset-url", p.links.ResetURL}} {
		if l.val == "" {
			continue
		}
		if u, err := url.Parse(l.val); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return p, usageErrorf("%s %q: want an absolute http(s) URL", l.flag, l.val)
		}
	}
	if s := p.links.SupportEmail; s != "" {
		if _, err := notify.ParseSender("", s); err != nil {
			return p, usageErrorf("--support-email: %v", err)
		}
	}
	// A letter that goes out must not say "[link]": what the template uses
	// must be set before --execute or --outbox; a dry run says what is missing.
	for _, m := range p.missing() {
		if o.execute || o.outbox != "" {
			return p, usageErrorf("%s", m)
		}
		if !o.status {
			f.Logger().Warn(m + " before --execute")
		}
	}
	if o.execute || o.outbox != "" {
		if _, err := o.sender(cfg); err != nil {
			return p, err
		}
	}
	if o.outbox != "" {
		if err := notify.PrepareOutbox(o.outbox); err != nil {
			return p, usageErrorf("--outbox: %v", err)
		}
	}
	if o.execute {
		if _, err := o.smtpOptions(cfg); err != nil {
			return p, err
		}
	}
	return p, nil
}

// missing names each field the letter uses whose value is not set.
func (p notifyPlan) missing() []string {
	var out []string
	for _, need := range []struct{ field, flag, val string }{
		{".SupportEmail", "--support-email (notify_support_email)", p.links.SupportEmail},
		{".GuideURL", "--guide-url (notify_guide_url)", p.links.GuideURL},
		{".ResetURL", "--reset-url (notify_reset_url)", p.links.ResetURL},
	} {
		if need.val == "" && strings.Contains(p.tpl.Text, need.field) {
			out = append(out, "the letter uses "+need.field+": set "+need.flag)
		}
	}
	return out
}

func (o *notifyOptions) sender(cfg *config.Config) (notify.Sender, error) {
	from := strings.TrimSpace(cfg.Get("smtp_from_email"))
	if from == "" {
		return notify.Sender{}, usageErrorf("SMTP_FROM_EMAIL is not set: the letter needs a sender address")
	}
	s, err := notify.ParseSender("", from)
	if err != nil {
		return s, usageErrorf("SMTP_FROM_EMAIL: %v", err)
	}
	return s, nil
}

func (o *notifyOptions) smtpOptions(cfg *config.Config) (notify.SMTPOptions, error) {
	port, err := strconv.Atoi(strings.TrimSpace(cfg.Get("smtp_port")))
	if err != nil {
		return notify.SMTPOptions{}, usageErrorf("SMTP_PORT %q is not a number", cfg.Get("smtp_port"))
	}
	s := notify.SMTPOptions{Host: strings.TrimSpace(cfg.Get("smtp_host")), Port: port,
		User: strings.TrimSpace(cfg.Get("smtp_user")), Password: cfg.Get("smtp_password"), Insecure: o.smtpInsecure}
	if err := s.Validate(); err != nil {
		return s, usageErrorf("%v", err)
	}
	return s, nil
}

func runNotifyStatus(ctx context.Context, f *Factory, p notifyPlan, format output.Format) error {
	db, err := f.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := notify.ReadStatus(ctx, db, db.Dialect, p.profile, p.tpl, p.audience)
	if err != nil {
		return err
	}
	if format == output.JSON {
		return output.WriteJSON(f.IO.Out, st)
	}
	return writeNotifyStatus(f, st)
}

func runNotifyDryRun(ctx context.Context, f *Factory, o *notifyOptions, p notifyPlan, format output.Format) error {
	run := f.startRun("notify", true)
	db, err := f.OpenDB(ctx)
	if err != nil {
		run.finish(nil, err)
		return err
	}
	defer db.Close()
	err = func() error {
		plan, err := notify.MakePlan(ctx, db, db.Dialect, p.profile, p.tpl, p.audience, o.retryFailed)
		if err != nil {
			return err
		}
		run.run.RowsRead = int64(len(plan.Recipients))
		out := notifyDryRun{DryRun: true, Database: db.Target.Redacted(), Template: p.tpl.Name,
			TemplateSHA256: p.tpl.SHA256, Audience: p.audience, Counts: plan.Counts(), Due: len(plan.Due)}
		for _, r := range plan.Due {
			if r.TempPassword {
				out.DueTempPassword++
			}
		}
		if o.outbox != "" {
			cfg, _ := f.Config()
			from, err := o.sender(cfg)
			if err != nil {
				return err
			}
			out.Outbox = o.outbox
			if out.OutboxFiles, err = notify.WriteOutbox(ctx, p.tpl, plan.Due, notify.OutboxOptions{Dir: o.outbox, From: from, Links: p.links}); err != nil {
				return err
			}
		}
		if format == output.JSON {
			return output.WriteJSON(f.IO.Out, out)
		}
		if err := writeNotifyDryRun(f, out); err != nil {
			return err
		}
		if o.sample > 0 {
			return notify.WriteSample(f.IO.Out, p.tpl, plan.Due, p.links, o.sample)
		}
		return nil
	}()
	run.finish(db, err)
	return err
}

func runNotifyExecute(ctx context.Context, f *Factory, o *notifyOptions, p notifyPlan, format output.Format) (err error) {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	from, err := o.sender(cfg)
	if err != nil {
		return err
	}
	smtp, err := o.smtpOptions(cfg)
	if err != nil {
		return err
	}
	if err := f.confirmProduction(cfg, "send the letter to the migrated users of %s (MIGRATION_ENV=production)"); err != nil {
		return err
	}
	run := f.startRun("notify", false)
	db, err := f.OpenDB(ctx)
	if err != nil {
		run.finish(nil, err)
		return err
	}
	defer db.Close()
	out := notifyExecuted{Database: db.Target.Redacted()}
	defer func() {
		run.run.RowsRead = int64(out.Due)
		run.run.Details = map[string]string{"template": out.Template, "template_sha256": out.TemplateSHA256,
			"audience": string(out.Audience), "sent": strconv.Itoa(out.Sent), "failed": strconv.Itoa(out.Failed),
			"deferred": strconv.Itoa(out.Deferred), "in_doubt": strconv.Itoa(out.InDoubt)}
		run.finish(db, err)
	}()
	var bar output.Progress
	err = database.WithWriteLock(ctx, db, database.WriteOptions{LockTimeout: cfg.LockTimeout()}, func() error {
		var serr error
		out.Result, serr = notify.Send(ctx, db, db.Dialect, notify.SendOptions{
			Target: p.profile, Template: p.tpl, Audience: p.audience, Links: p.links, From: from, SMTP: smtp,
			RetryFailed: o.retryFailed, Rate: o.rate, Concurrency: o.concurrency,
			MaxAttempts: o.maxAttempts, Backoff: o.backoff, RunID: run.run.ID, Logger: run.log,
			Secrets: cfg.Secrets(),
			Progress: func(done, total int) {
				if bar == nil {
					bar = f.Progress(int64(total), "notify")
				}
				bar.Add(1)
			},
		})
		return serr
	})
	if bar != nil {
		bar.Finish()
	}
	if errors.Is(err, notify.ErrNoLedger) || out.TemplateSHA256 == "" {
		return err
	}
	var werr error
	if format == output.JSON {
		werr = output.WriteJSON(f.IO.Out, out)
	} else {
		werr = writeNotifyExecuted(f, out)
	}
	if err != nil {
		return reported(err)
	}
	return werr
}
