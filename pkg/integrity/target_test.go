package integrity_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// TestDhafnckRules: the same check ids judged by the app's rules. A
// lower-case status (which the app's Enum of names cannot load), an ACTIVE
// user without email_verified (whom the app refuses at login) and a
// username past the app's 150 characters (SQLite stores one; PostgreSQL's
// VARCHAR(150) refuses it) fail; a 150-character username does not.
func TestDhafnckRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		m, err := schema.NewFor(db.Dialect, target.Dhafnck)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		d := db.Dialect
		at := d.AppTimestamp(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), true)
		hash := "$2b$04$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
		long := func(n int) string {
			b := make([]byte, n)
			for i := range b {
				b[i] = 'u'
			}
			return string(b)
		}
		for i, u := range []struct {
			id, username, status string
			verified             bool
		}{
			{"00000000-0000-4000-8000-000000000001", "ok", "ACTIVE", true},
			{"00000000-0000-4000-8000-000000000002", "lower", "active", true},
			{"00000000-0000-4000-8000-000000000003", "unverified", "ACTIVE", false},
			{"00000000-0000-4000-8000-000000000004", long(150), "PENDING_VERIFICATION", false},
			{"00000000-0000-4000-8000-000000000005", long(151), "INACTIVE", false},
		} {
			if len(u.username) > 150 && tg.Kind == database.Postgres {
				continue
			}
			verifiedAt := any(nil)
			if u.verified {
				verifiedAt = at
			}
			_, err := db.Exec(db.Rebind(`INSERT INTO users (id, email, username, password_hash, status, roles, email_verified,
				email_verified_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '["user"]', ?, ?, ?, ?)`),
				u.id, "u"+string(rune('a'+i))+"@example.com", u.username, hash, u.status, d.Bool(u.verified), verifiedAt, at, at)
			if err != nil {
				t.Fatal(err)
			}
		}
		rep, err := integrity.Run(ctx, db, d, integrity.Options{Target: target.Dhafnck,
			Only: []string{"data.unknown_status", "data.active_unverified", "data.invalid_usernames", "data.timestamps", "data.unknown_roles", "schema.tables"}})
		if err != nil && !errors.Is(err, integrity.ErrVerifyFailed) {
			t.Fatal(err)
		}
		want := map[string]int64{"data.unknown_status": 1, "data.active_unverified": 1, "data.invalid_usernames": 1,
			"data.timestamps": 0, "data.unknown_roles": 0, "schema.tables": 0}
		if tg.Kind == database.Postgres {
			want["data.invalid_usernames"] = 0
		}
		for _, c := range rep.Checks {
			if c.Count != want[c.ID] {
				t.Errorf("%s: count %d, want %d %+v", c.ID, c.Count, want[c.ID], c.Examples)
			}
		}
		failed := rep.FailedIDs()
		for _, id := range []string{"data.unknown_status", "data.active_unverified", "data.invalid_usernames"} {
			if want[id] > 0 && !slices.Contains(failed, id) {
				t.Errorf("%s does not fail verification for the dhafnck target (failed: %v)", id, failed)
			}
		}
	})
}
