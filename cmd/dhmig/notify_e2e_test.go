package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// The sentence only the temporary-password paragraph of the default letter
// has.
const tempParagraph = "Your password was not carried over"

// notifyUser is a migrated user as the database stores it.
type notifyUser struct {
	ID, Email, Username string
	Temp                bool
}

// notifyFixture migrates the dirty legacy table plus users with non-ASCII
// names and returns the migrated users by stored (lower-case) address.
func notifyFixture(t *testing.T, tg database.Target) (*database.DB, string, []string, map[string]notifyUser) {
	t.Helper()
	db := dbtest.Open(t, tg)
	seedNotifyLegacy(t, db)
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
	mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
	mustCode(t, runDhmig(t, dir, env, "migrate-users", "--execute", "--on-conflict", "skip", "--unsupported-hash", "reset",
		"--temp-passwords", "sealed"), 0)
	var rows []struct {
		ID       string `db:"id"`
		Email    string `db:"email"`
		Username string `db:"username"`
		Temp     int    `db:"temp"`
	}
	if err := db.Select(&rows, `SELECT a.id, a.email, a.username, CASE WHEN m.temp_password THEN 1 ELSE 0 END AS temp
		FROM auth_users a JOIN dhmig_user_map m ON m.user_id = a.id`); err != nil {
		t.Fatal(err)
	}
	users := map[string]notifyUser{}
	for _, r := range rows {
		users[r.Email] = notifyUser{ID: r.ID, Email: r.Email, Username: r.Username, Temp: r.Temp == 1}
	}
	if len(users) != 9 || users["mixed.case@example.com"].Email == "" || !users["zoe@example.com"].Temp {
		t.Fatalf("fixture: migrated users %+v", users)
	}
	return db, dir, env, users
}

// seedNotifyLegacy is the dirty legacy table plus two users with
// non-ASCII names, one with no password and one with a mixed-case address.
func seedNotifyLegacy(t *testing.T, db *database.DB) {
	t.Helper()
	seedLegacy(t, db)
	ins := db.Rebind(`INSERT INTO legacy_users VALUES (?, ?, ?, ?, ?, ?)`)
	for _, r := range [][]any{
		{10, "zoe@example.com", "Zoë Ærøskøbing 日本語", nil, "2023-03-01 10:00:00", db.Dialect.Bool(true)},
		{11, "Mixed.Case@Example.COM", "Ünïcødé-Ñame", "", "2023-03-02 10:00:00", db.Dialect.Bool(false)},
	} {
		if _, err := db.Exec(ins, r...); err != nil {
			t.Fatal(err)
		}
	}
}

type notifyStatusJSON struct {
	Recipients int `json:"recipients"`
	Sent       int `json:"sent"`
	Failed     int `json:"failed"`
	Pending    int `json:"pending"`
	InDoubt    int `json:"in_doubt"`
	Problems   []struct {
		UserID        string `json:"user_id"`
		Status        string `json:"status"`
		LastErrorCode string `json:"last_error_code"`
		LastError     string `json:"last_error"`
	} `json:"problems"`
}

func notifyStatus(t *testing.T, dir string, env []string) notifyStatusJSON {
	t.Helper()
	r := runDhmig(t, dir, env, "notify", "--status", "-o", "json")
	mustCode(t, r, 0)
	var st notifyStatusJSON
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil {
		t.Fatalf("status json: %v\n%s", err, r)
	}
	return st
}

// noSecret fails when dhmig printed the SMTP password.
func noSecret(t *testing.T, r result) {
	t.Helper()
	if strings.Contains(r.Stdout+r.Stderr, smtpTestPassword) {
		t.Fatalf("dhmig printed the SMTP password:\n%s", r)
	}
}

// TestNotifyE2E: the dry run, the outbox and STARTTLS's refusal send and
// write nothing; --execute delivers one letter per migrated user, parsed
// back as a mail client would; a second --execute sends nothing.
func TestNotifyE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db, dir, env, users := notifyFixture(t, tg)
		mp := startMailpit(t)
		env = append(env, mp.env()...)
		before := dbState(t, db, tg)

		r := runDhmig(t, dir, env, "notify", "-o", "json")
		mustCode(t, r, 0)
		var dry struct {
			DryRun          bool `json:"dry_run"`
			Recipients      int  `json:"recipients"`
			Due             int  `json:"due"`
			DueTempPassword int  `json:"due_temp_password"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &dry); err != nil || !dry.DryRun || dry.Recipients != 9 || dry.Due != 9 || dry.DueTempPassword != 5 {
			t.Fatalf("dry run = %+v (%v)\n%s", dry, err, r)
		}
		r = runDhmig(t, dir, env, "notify", "--sample", "2")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "DRY RUN") || strings.Count(r.Stdout, "--- message ") != 2 || !strings.Contains(r.Stdout, "Subject: Important: Authentication System Update") {
			t.Errorf("dry run with --sample 2:\n%s", r)
		}

		var active int
		if err := db.Get(&active, `SELECT COUNT(*) FROM auth_users a JOIN dhmig_user_map m ON m.user_id = a.id WHERE a.status = 'active'`); err != nil {
			t.Fatal(err)
		}
		for only, want := range map[string]int{"temp-passwords": 5, "active": active} {
			r := runDhmig(t, dir, env, "notify", "--only", only, "-o", "json")
			if err := json.Unmarshal([]byte(r.Stdout), &dry); err != nil || dry.Due != want || dry.Recipients != want {
				t.Errorf("--only %s: due %d, want %d (%v)\n%s", only, dry.Due, want, err, r)
			}
		}

		// A custom letter with a non-ASCII subject: encoded, and decoded back.
		custom := filepath.Join(dir, "custom.txt")
		writeFile(t, custom, "Subject: Änderung für {{.Username}}\n\nHallo {{.Username}}, {{.ResetURL}}\n")
		r = runDhmig(t, dir, env, "notify", "--template", custom, "--outbox", filepath.Join(dir, "custom"))
		mustCode(t, r, 0)
		zoe := users["zoe@example.com"]
		fh, err := os.Open(filepath.Join(dir, "custom", zoe.ID+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		p := parseMessage(t, fh)
		fh.Close()
		if p.Subject != "Änderung für "+zoe.Username || p.Body != "Hallo "+zoe.Username+", https://app.dhafnck.test/reset\n" {
			t.Errorf("custom letter: subject %q body %q", p.Subject, p.Body)
		}

		outbox := filepath.Join(dir, "letters")
		r = runDhmig(t, dir, env, "notify", "--outbox", outbox)
		mustCode(t, r, 0)
		checkOutbox(t, outbox, users)

		if dbState(t, db, tg) != before {
			t.Fatal("the dry run or the outbox wrote to the database")
		}

		// Without --smtp-insecure, a server that offers no STARTTLS is refused
		// before any user is claimed.
		r = runDhmig(t, dir, env, "notify", "--execute")
		mustCode(t, r, 1)
		if !strings.Contains(r.Stderr, "STARTTLS") {
			t.Errorf("plain-text server without --smtp-insecure:\n%s", r)
		}
		noSecret(t, r)
		var claimed int
		if err := db.Get(&claimed, `SELECT COUNT(*) FROM dhmig_notifications`); err != nil || claimed != 0 {
			t.Errorf("the refused run claimed %d users (%v)", claimed, err)
		}
		if n := len(mp.messages()); n != 0 {
			t.Fatalf("dry run, outbox and a refused --execute delivered %d messages", n)
		}

		r = runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "50")
		mustCode(t, r, 0)
		noSecret(t, r)
		if !strings.Contains(r.Stdout, "Sent 9 of 9 messages.") {
			t.Errorf("execute:\n%s", r)
		}
		for email := range users {
			if strings.Contains(r.Stderr, email) {
				t.Errorf("an address reached the log without --verbose:\n%s", r.Stderr)
			}
		}
		checkDelivered(t, mp, users)

		st := notifyStatus(t, dir, env)
		if st.Recipients != 9 || st.Sent != 9 || st.Pending != 0 || st.Failed != 0 || st.InDoubt != 0 {
			t.Errorf("status after execute = %+v", st)
		}
		var outcomes []string
		if err := db.Select(&outcomes, `SELECT outcome FROM dhmig_runs WHERE command = 'notify' ORDER BY started_at`); err != nil ||
			strings.Join(outcomes, ",") != "failed,ok" {
			t.Errorf("audit rows of notify (the refused run, the sending one): %v, %v", outcomes, err)
		}

		r = runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "Nothing to send") || len(mp.messages()) != 9 {
			t.Errorf("second execute sent again (%d messages):\n%s", len(mp.messages()), r)
		}
	})
}

func checkOutbox(t *testing.T, dir string, users map[string]notifyUser) {
	t.Helper()
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("outbox dir: %v %v", st, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != len(users) {
		t.Fatalf("outbox holds %d files, want %d", len(files), len(users))
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", f, fi.Mode().Perm(), err)
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		p := parseMessage(t, fh)
		fh.Close()
		u, ok := users[p.To.Address]
		if !ok || filepath.Base(f) != u.ID+".eml" || p.To.Name != u.Username || !strings.Contains(p.Body, "Dear "+u.Username+",") {
			t.Errorf("%s: To %+v, body:\n%s", f, p.To, p.Body)
		}
	}
}

// checkDelivered parses every arrived message back and holds it to the
// migrated user it was for.
func checkDelivered(t *testing.T, mp *mailpit, users map[string]notifyUser) {
	t.Helper()
	counts := mp.byRecipient()
	if len(counts) != len(users) {
		t.Errorf("recipients %v, want the %d migrated users", counts, len(users))
	}
	for email, n := range counts {
		if _, ok := users[email]; !ok || n != 1 {
			t.Errorf("%s got %d messages (migrated user: %v)", email, n, ok)
		}
	}
	for _, m := range mp.messages() {
		p := mp.raw(m.ID)
		u := users[p.To.Address]
		if p.To.Name != u.Username {
			t.Errorf("To name %q, want %q", p.To.Name, u.Username)
		}
		if p.Subject != "Important: Authentication System Update" || p.MessageID == "" || time.Since(p.Date) > time.Hour ||
			!strings.Contains(strings.ToLower(p.ContentType), "text/plain") || !strings.Contains(strings.ToLower(p.ContentType), "utf-8") {
			t.Errorf("headers of %s: %+v", u.Email, p)
		}
		if !strings.Contains(p.Body, "Dear "+u.Username+",") || !strings.Contains(p.Body, "support@dhafnck.test") ||
			!strings.Contains(p.Body, "https://docs.dhafnck.test/auth") {
			t.Errorf("body for %s:\n%s", u.Email, p.Body)
		}
		if strings.Contains(p.Body, tempParagraph) != u.Temp {
			t.Errorf("%s (temporary password %v): reset paragraph present = %v", u.Email, u.Temp, !u.Temp)
		}
	}
}

// TestNotifyKilledAndResumedE2E: a run SIGKILLed between deliveries and run
// again writes to every remaining user exactly once.
func TestNotifyKilledAndResumedE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		_, dir, env, users := notifyFixture(t, tg)
		mp := startMailpit(t)
		env = append(env, mp.env()...)

		// Slow enough that the kill lands with most users still to go.
		cmd := exec.Command(dhmigBin, "notify", "--execute", "--smtp-insecure", "--rate", "2")
		cmd.Dir, cmd.Env = dir, append(baseEnv(), env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 20*time.Second, func() bool { return len(mp.messages()) >= 2 })
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		first := len(mp.messages())
		if first >= len(users) {
			t.Fatalf("the killed run had already sent all %d messages", first)
		}

		r := runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "50")
		mustCode(t, r, 0)
		st := notifyStatus(t, dir, env)
		inDoubt := map[string]bool{}
		for _, p := range st.Problems {
			inDoubt[p.UserID] = p.Status == "sending"
		}
		counts := mp.byRecipient()
		for email, u := range users {
			switch n := counts[email]; {
			case n > 1:
				t.Errorf("%s got %d messages", email, n)
			case n == 0 && !inDoubt[u.ID]:
				t.Errorf("%s got no message and is not in doubt", email)
			}
		}
		if st.Pending != 0 || st.Sent+st.InDoubt != len(users) || st.InDoubt > 1 {
			t.Errorf("status after the resumed run = %+v", st)
		}
	})
}

// TestNotifyPermanentRejectionE2E: a recipient the server refuses for good
// is recorded failed (without the address), everyone else is sent, exit 3.
func TestNotifyPermanentRejectionE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db, dir, env, users := notifyFixture(t, tg)
		const refused = "ben@example.com"
		var allowed []string
		for email := range users {
			if email != refused {
				allowed = append(allowed, regexp.QuoteMeta(email))
			}
		}
		sort.Strings(allowed)
		mp := startMailpit(t, "--smtp-allowed-recipients", "^("+strings.Join(allowed, "|")+")$")
		env = append(env, mp.env()...)

		// Three connections at once: the counts and the ledger stay exact.
		r := runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "50", "--concurrency", "3")
		mustCode(t, r, 3)
		if !strings.Contains(r.Stderr, "recipients refused permanently: 1 of 9") || !strings.Contains(r.Stdout, "Sent 8 of 9") {
			t.Errorf("partial run:\n%s", r)
		}
		counts := mp.byRecipient()
		if len(counts) != 8 || counts[refused] != 0 {
			t.Errorf("delivered %v", counts)
		}
		st := notifyStatus(t, dir, env)
		if st.Sent != 8 || st.Failed != 1 || len(st.Problems) != 1 || st.Problems[0].UserID != users[refused].ID ||
			!strings.HasPrefix(st.Problems[0].LastErrorCode, "550") || strings.Contains(st.Problems[0].LastError, refused) {
			t.Errorf("status = %+v", st)
		}
		var outcome string
		if err := db.Get(&outcome, `SELECT outcome FROM dhmig_runs WHERE command = 'notify'`); err != nil || outcome != "partial" {
			t.Errorf("audit outcome %q (%v)", outcome, err)
		}
		// A plain re-run leaves the failed user alone.
		r = runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "50")
		mustCode(t, r, 0)
		if len(mp.messages()) != 8 {
			t.Errorf("the re-run sent again: %d messages", len(mp.messages()))
		}

		// The address is fixed on the server's side: --retry-failed sends to
		// the failed user, and only to them.
		mp.stop()
		mp.extra = nil
		mp.start()
		r = runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--retry-failed")
		mustCode(t, r, 0)
		if counts := mp.byRecipient(); len(counts) != 9 || counts[refused] != 1 || len(mp.messages()) != 9 {
			t.Errorf("--retry-failed delivered %v", counts)
		}
		if st := notifyStatus(t, dir, env); st.Sent != 9 || st.Failed != 0 || len(st.Problems) != 0 {
			t.Errorf("status after --retry-failed = %+v", st)
		}
	})
}

// TestNotifyConnectionDroppedE2E: the server goes away between two
// deliveries and comes back; the run resumes after backoff and every user
// is written to once.
func TestNotifyConnectionDroppedE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		_, dir, env, users := notifyFixture(t, tg)
		mp := startMailpit(t)
		env = append(env, mp.env()...)

		cmd := exec.Command(dhmigBin, "notify", "--execute", "--smtp-insecure", "--rate", "3", "--retry-backoff", "300ms", "--max-attempts", "6")
		cmd.Dir, cmd.Env = dir, append(baseEnv(), env...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 20*time.Second, func() bool { return len(mp.messages()) >= 2 })
		mp.stop()
		time.Sleep(500 * time.Millisecond)
		mp.start()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("notify did not resume: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "retrying") {
			t.Errorf("no retry was logged:\n%s", stderr.String())
		}
		st := notifyStatus(t, dir, env)
		counts := mp.byRecipient()
		for email := range users {
			if counts[email] > 1 || counts[email] == 0 && st.InDoubt == 0 {
				t.Errorf("%s got %d messages (status %+v)", email, counts[email], st)
			}
		}
		if st.Pending != 0 || st.Sent+st.InDoubt != len(users) {
			t.Errorf("status = %+v", st)
		}
	})
}

// TestNotifyFlagsE2E: what is refused before anything connects (exit 2).
func TestNotifyFlagsE2E(t *testing.T) {
	dir := t.TempDir()
	env := []string{"DATABASE_URL=sqlite:" + filepath.Join(dir, "none.db"), "SMTP_HOST=smtp.example.com",
		"SMTP_FROM_EMAIL=noreply@dhafnck.test", "NOTIFY_SUPPORT_EMAIL=support@dhafnck.test",
		"NOTIFY_GUIDE_URL=https://docs.dhafnck.test/auth", "NOTIFY_RESET_URL=https://app.dhafnck.test/reset"}
	open := filepath.Join(dir, "shared")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--execute", "--smtp-insecure"}, nil, "loopback"},
		{[]string{"--only", "everyone"}, nil, "--only"},
		{[]string{"--execute", "--outbox", dir}, nil, "outbox"},
		{[]string{"--execute"}, []string{"NOTIFY_GUIDE_URL="}, "--guide-url"},
		{[]string{"--guide-url", "javascript:alert(1)"}, nil, "--guide-url"},
		{[]string{"--template", filepath.Join(dir, "missing.txt")}, nil, "--template"},
		{[]string{"--rate", "0"}, nil, "--rate"},
		{[]string{"--outbox", open}, nil, "open to other users"},
	} {
		r := runDhmig(t, dir, append(env, c.env...), append([]string{"notify"}, c.args...)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("notify %v: want exit 2 naming %s, got %s", c.args, c.want, r)
		}
	}
}

func waitFor(t *testing.T, limit time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", limit)
		}
	}
}
