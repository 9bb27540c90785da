package metrics_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/metrics"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// TestDhafnckFigures: the guide's four figures from the app's columns —
// locked is locked_until still ahead, unverified is email_verified false
// or NULL — and roles read from JSON, including lists the one-scan counts
// leave to the second query and values that are not lists at all.
func TestDhafnckFigures(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
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
		rows := []struct {
			status, roles string
			verified      any
			lockedUntil   any
		}{
			{"ACTIVE", `["user"]`, true, nil},
			{"ACTIVE", `["admin", "user"]`, true, now.Add(time.Hour)},     // locked
			{"ACTIVE", `["viewer"]`, true, now.Add(-time.Hour)},           // lock expired
			{"PENDING_VERIFICATION", `["user"]`, false, nil},              // unverified
			{"PENDING_VERIFICATION", `{"not": "a list"}`, nil, nil},       // unverified (NULL)
			{"SUSPENDED", `["developer"]`, true, now.Add(24 * time.Hour)}, // locked
		}
		for i, r := range rows {
			var verified, locked any
			if b, ok := r.verified.(bool); ok {
				verified = d.Bool(b)
			}
			if at, ok := r.lockedUntil.(time.Time); ok {
				locked = d.Timestamp(at)
			}
			_, err := db.Exec(db.Rebind(`INSERT INTO users (id, email, username, password_hash, status, roles, email_verified,
				locked_until, created_at, updated_at) VALUES (?, ?, ?, 'h', ?, ?, ?, ?, ?, ?)`),
				fmt.Sprintf("00000000-0000-4000-8000-%012d", i), fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("u%d", i),
				r.status, r.roles, verified, locked, d.Timestamp(now), d.Timestamp(now))
			if err != nil {
				t.Fatal(err)
			}
		}
		s, err := metrics.Collect(ctx, db, d, metrics.Options{Now: now, Target: target.Dhafnck})
		if err != nil {
			t.Fatal(err)
		}
		if s.TotalUsers != 6 || s.ActiveUsers != 3 || s.LockedAccounts != 2 || s.UnverifiedUsers != 2 {
			t.Errorf("total %d, active %d, locked %d, unverified %d; want 6, 3, 2, 2",
				s.TotalUsers, s.ActiveUsers, s.LockedAccounts, s.UnverifiedUsers)
		}
		wantStatus := map[string]int64{"ACTIVE": 3, "INACTIVE": 0, "PENDING_VERIFICATION": 2, "SUSPENDED": 1}
		if !maps.Equal(s.UsersByStatus, wantStatus) {
			t.Errorf("by status %v, want %v", s.UsersByStatus, wantStatus)
		}
		wantRole := map[string]int64{"admin": 1, "user": 3, "viewer": 1, "developer": 1}
		if !maps.Equal(s.UsersByRole, wantRole) {
			t.Errorf("by role %v, want %v", s.UsersByRole, wantRole)
		}
		if s.RefreshTokens != nil {
			t.Errorf("refresh tokens %+v for a target without a token table", s.RefreshTokens)
		}
	})
}
