package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// TestLedgerClaims holds the at-most-once rules on both engines: a claim
// succeeds only from a state the run may send from, so no user is claimed
// twice, and only retry reopens failed and in-doubt messages.
func TestLedgerClaims(t *testing.T) {
	for _, p := range []*target.Profile{target.Guide, target.Dhafnck} {
		t.Run(p.Name, func(t *testing.T) { testLedgerClaims(t, p) })
	}
}

func testLedgerClaims(t *testing.T, p *target.Profile) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		m, err := schema.NewFor(db.Dialect, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.UpEach(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		id := uuid.NewString()
		if p.IDs.CompactText && tg.Kind == database.SQLite {
			id = strings.ReplaceAll(id, "-", "")
		}
		// The ledger's foreign key holds it to the target's user table.
		if _, err := db.Exec(db.Rebind(`INSERT INTO `+p.Users+` (id, email, username, password_hash, status)
			VALUES (?, 'a@example.org', 'a', 'x', ?)`), id, p.Status.Active); err != nil {
			t.Fatal(err)
		}
		l := &ledger{ex: db, d: db.Dialect, sha: "abc", runID: "run-1", now: time.Now}
		claim := func(retry bool) bool {
			t.Helper()
			ok, err := l.claim(ctx, id, uuid.NewString()+"@example.org", retry)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		settle := func(k verdictKind) {
			t.Helper()
			if err := l.settle(ctx, id, verdict{kind: k, code: "451", text: "try later"}); err != nil {
				t.Fatal(err)
			}
		}
		state := func() Entry {
			t.Helper()
			e, err := entries(ctx, db, "abc")
			if err != nil {
				t.Fatal(err)
			}
			return e[id]
		}
		if !claim(false) || claim(false) {
			t.Fatal("a fresh user must be claimed once")
		}
		settle(temporary)
		if e := state(); e.Status != StatePending || e.Attempts != 1 || e.LastErrorCode == nil || *e.LastErrorCode != "451" {
			t.Fatalf("after a temporary failure: %+v", e)
		}
		if !claim(false) {
			t.Fatal("a pending user must be claimable")
		}
		settle(inDoubt)
		if e := state(); e.Status != StateSending || e.Attempts != 2 {
			t.Fatalf("in doubt: %+v", e)
		}
		if claim(false) {
			t.Fatal("a plain run re-sent an in-doubt message")
		}
		if !claim(true) {
			t.Fatal("retry must reopen an in-doubt message")
		}
		settle(permanent)
		if claim(false) || !claim(true) {
			t.Fatal("failed: plain runs leave it, retry reopens it")
		}
		settle(delivered)
		if e := state(); e.Status != StateSent || e.SentAt == nil || e.LastError != nil {
			t.Fatalf("sent: %+v", e)
		}
		if claim(false) || claim(true) {
			t.Fatal("a sent message was claimed again")
		}
		if other, _ := (&ledger{ex: db, d: db.Dialect, sha: "other", runID: "r", now: time.Now}).claim(ctx, id, "m@example.org", false); !other {
			t.Fatal("another letter is a separate message")
		}
	})
}
