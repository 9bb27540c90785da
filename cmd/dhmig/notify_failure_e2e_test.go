package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestNotifyTemporaryFailureE2E: Mailpit's chaos answers every recipient
// with 451; each message is retried with backoff, then left pending (exit
// 1, nothing delivered); once the server recovers, a plain re-run sends
// everyone exactly once.
func TestNotifyTemporaryFailureE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db, dir, env, users := notifyFixture(t, tg)
		mp := startMailpit(t, "--chaos-triggers", "Recipient:451:100")
		env = append(env, mp.env()...)

		r := runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "100", "--max-attempts", "2", "--retry-backoff", "50ms")
		mustCode(t, r, 1)
		if !strings.Contains(r.Stderr, "messages deferred after temporary failures: 9") || !strings.Contains(r.Stderr, "retrying") {
			t.Errorf("deferred run:\n%s", r)
		}
		var attempts struct {
			Min, Max int
			Code     string
		}
		if err := db.QueryRow(`SELECT MIN(attempts), MAX(attempts), MIN(last_error_code) FROM dhmig_notifications WHERE status = 'pending'`).
			Scan(&attempts.Min, &attempts.Max, &attempts.Code); err != nil || attempts.Min != 2 || attempts.Max != 2 || !strings.HasPrefix(attempts.Code, "451") {
			t.Errorf("ledger after retries: %+v (%v)", attempts, err)
		}
		if st := notifyStatus(t, dir, env); st.Pending != len(users) || st.Sent != 0 || len(mp.messages()) != 0 {
			t.Errorf("status %+v, %d delivered", st, len(mp.messages()))
		}

		req, _ := http.NewRequest(http.MethodPut, mp.api("/api/v1/chaos"), strings.NewReader(`{"Recipient":{"ErrorCode":451,"Probability":0}}`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("turn chaos off: %v %v", resp, err)
		}
		resp.Body.Close()
		mustCode(t, runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "100"), 0)
		checkDelivered(t, mp, users)
	})
}

// TestNotifyInterruptedE2E: SIGINT stops the run after the message in
// flight, which is recorded; the counts are printed, exit 1, and the rest
// stay pending.
func TestNotifyInterruptedE2E(t *testing.T) {
	db, dir, env, users := notifyFixture(t, dbtest.SQLite(t))
	mp := startMailpit(t)
	env = append(env, mp.env()...)

	cmd := exec.Command(dhmigBin, "notify", "--execute", "--smtp-insecure", "--rate", "3")
	cmd.Dir, cmd.Env = dir, append(baseEnv(), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, func() bool { return len(mp.messages()) >= 2 })
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || ee.Sys().(syscall.WaitStatus).Signaled() {
		t.Fatalf("interrupted notify: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	delivered := len(mp.messages())
	if !strings.Contains(stdout.String(), "INTERRUPTED: sent") || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("interrupted run output:\n%s\n%s", stdout.String(), stderr.String())
	}
	st := notifyStatus(t, dir, env)
	if st.Sent != delivered || st.InDoubt != 0 || st.Pending != len(users)-delivered || delivered == len(users) {
		t.Errorf("status %+v after %d deliveries", st, delivered)
	}
	var outcome string
	if err := db.Get(&outcome, `SELECT outcome FROM dhmig_runs WHERE command = 'notify'`); err != nil || outcome != "interrupted" {
		t.Errorf("audit row of the interrupted run: %q (%v)", outcome, err)
	}
}

// TestNotifyInDoubtE2E: dhmig killed after claiming a message and before
// the server's answer (the server frozen with SIGSTOP) leaves that user in
// doubt: --status reports it, a plain re-run sends everyone else and not
// them (at most once), --retry-failed sends them.
func TestNotifyInDoubtE2E(t *testing.T) {
	db, dir, env, users := notifyFixture(t, dbtest.SQLite(t))
	mp := startMailpit(t)
	env = append(env, mp.env()...)

	cmd := exec.Command(dhmigBin, "notify", "--execute", "--smtp-insecure", "--rate", "1")
	cmd.Dir, cmd.Env = dir, append(baseEnv(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sent := func() int {
		var n int
		_ = db.Get(&n, `SELECT COUNT(*) FROM dhmig_notifications WHERE status = 'sent'`)
		return n
	}
	// The first message is settled; the second is a second away.
	waitFor(t, 20*time.Second, func() bool { return sent() >= 1 })
	if err := mp.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	var sending int
	waitFor(t, 10*time.Second, func() bool {
		_ = db.Get(&sending, `SELECT COUNT(*) FROM dhmig_notifications WHERE status = 'sending'`)
		return sending == 1
	})
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err := mp.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}

	st := notifyStatus(t, dir, env)
	if st.Sent != 1 || st.InDoubt != 1 || st.Pending != len(users)-2 || len(st.Problems) != 1 || st.Problems[0].Status != "sending" {
		t.Fatalf("status after the kill = %+v", st)
	}
	doubtful := st.Problems[0].UserID
	r := runDhmig(t, dir, env, "notify", "--status")
	if !strings.Contains(r.Stdout, "in doubt") || !strings.Contains(r.Stdout, doubtful) {
		t.Errorf("--status table does not name the in-doubt user:\n%s", r)
	}

	mustCode(t, runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "50"), 0)
	counts := mp.byRecipient()
	for email, u := range users {
		want := 1
		if u.ID == doubtful {
			want = 0
		}
		if counts[email] != want {
			t.Errorf("after a plain re-run %s (in doubt: %v) got %d messages", email, u.ID == doubtful, counts[email])
		}
	}

	mustCode(t, runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--retry-failed"), 0)
	checkDelivered(t, mp, users)
	if st := notifyStatus(t, dir, env); st.Sent != len(users) || st.InDoubt != 0 {
		t.Errorf("status after --retry-failed = %+v", st)
	}
}

// TestNotifySenderRefusedE2E: a server that refuses the sender for good
// (chaos 550 on MAIL FROM) is a setting to fix, not every user's failure:
// the run stops at once (exit 1) and nobody is recorded failed.
func TestNotifySenderRefusedE2E(t *testing.T) {
	_, dir, env, users := notifyFixture(t, dbtest.SQLite(t))
	mp := startMailpit(t, "--chaos-triggers", "Sender:550:100")
	env = append(env, mp.env()...)
	r := runDhmig(t, dir, env, "notify", "--execute", "--smtp-insecure", "--rate", "50")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "refused the sender") {
		t.Errorf("sender refused:\n%s", r)
	}
	if st := notifyStatus(t, dir, env); st.Failed != 0 || st.Pending != len(users) || len(mp.messages()) != 0 {
		t.Errorf("status %+v, %d delivered", st, len(mp.messages()))
	}
}
