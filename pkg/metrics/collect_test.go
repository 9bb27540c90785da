package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
	"github.com/dhafnckmcp/dhmig/pkg/metrics"
)

// sqlCount is an independent count, written the plainest way.
func sqlCount(t *testing.T, db *database.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.GetContext(context.Background(), &n, db.Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestCollectMatchesIndependentCounts reads with one connection (the scan of
// auth_users, then the other counts) and with metrics.MaxReaders, as dhmig
// metrics does (the two side by side).
func TestCollectMatchesIndependentCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		for _, conns := range []int{1, metrics.MaxReaders} {
			t.Run(fmt.Sprintf("%d connections", conns), func(t *testing.T) {
				db.SetMaxOpenConns(conns)
				testCollectCounts(t, db)
			})
		}
	})
}

func testCollectCounts(t *testing.T, db *database.DB) {
	t.Helper()
	s, err := metrics.Collect(context.Background(), db, db.Dialect, metrics.Options{Now: integritytest.Base})
	if err != nil {
		t.Fatal(err)
	}
	now := db.Dialect.Timestamp(integritytest.Base)
	checks := []struct {
		name      string
		got, want int64
		sql       string
		args      []any
	}{
		{"total_users", s.TotalUsers, integritytest.TotalUsers, `SELECT COUNT(*) FROM auth_users`, nil},
		{"active_users", s.ActiveUsers, integritytest.ActiveUsers, `SELECT COUNT(*) FROM auth_users WHERE status = 'active'`, nil},
		{"locked_accounts", s.LockedAccounts, integritytest.LockedAccounts, `SELECT COUNT(*) FROM auth_users WHERE is_locked = ?`, []any{db.Dialect.Bool(true)}},
		{"unverified_users", s.UnverifiedUsers, integritytest.UnverifiedUsers, `SELECT COUNT(*) FROM auth_users WHERE status = 'pending_verification'`, nil},
		{"by_status active", s.UsersByStatus["active"], integritytest.ActiveUsers, `SELECT COUNT(*) FROM auth_users WHERE status = 'active'`, nil},
		{"by_role admin", s.UsersByRole["admin"], integritytest.AdminUsers, `SELECT COUNT(*) FROM auth_users WHERE roles = ?`, []any{db.Dialect.Roles([]string{"user", "admin"})}},
		{"by_role user", s.UsersByRole["user"], integritytest.TotalUsers, `SELECT COUNT(*) FROM auth_users`, nil},
		{"temp_password_users", *s.TempPasswordUsers, integritytest.TempPassword, `SELECT COUNT(*) FROM dhmig_user_map WHERE temp_password = ?`, []any{db.Dialect.Bool(true)}},
		{"legacy_users", *s.LegacyUsers, integritytest.LegacyRows, `SELECT COUNT(*) FROM legacy_users`, nil},
		{"migrated_users", *s.MigratedUsers, integritytest.MigratedUsers, `SELECT COUNT(*) FROM dhmig_user_map`, nil},
		{"rejected_legacy_users", *s.RejectedLegacyUsers, integritytest.RejectedRows, `SELECT COUNT(*) FROM dhmig_rejects`, nil},
		{"tokens revoked", s.RefreshTokens.Revoked, integritytest.TokensRevoked, `SELECT COUNT(*) FROM auth_refresh_tokens WHERE revoked_at IS NOT NULL`, nil},
		{"tokens expired", s.RefreshTokens.Expired, integritytest.TokensExpired, `SELECT COUNT(*) FROM auth_refresh_tokens WHERE revoked_at IS NULL AND expires_at < ?`, []any{now}},
		{"tokens active", s.RefreshTokens.Active, integritytest.TokensActive, `SELECT COUNT(*) FROM auth_refresh_tokens WHERE revoked_at IS NULL AND expires_at >= ?`, []any{now}},
	}
	for _, c := range checks {
		if independent := sqlCount(t, db, c.sql, c.args...); c.got != c.want || c.got != independent {
			t.Errorf("%s = %d, fixture says %d, SQL says %d", c.name, c.got, c.want, independent)
		}
	}
	if s.UsersByStatus["suspended"] != 0 || len(s.UsersByStatus) != 4 || len(s.UsersByRole) != 4 {
		t.Errorf("the application's statuses and roles must all be present: %v %v", s.UsersByStatus, s.UsersByRole)
	}
}

func TestCollectWithoutOptionalTables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		ctx := context.Background()
		if _, err := metrics.Collect(ctx, db, db.Dialect, metrics.Options{}); !errors.Is(err, metrics.ErrNoAuthSchema) {
			t.Fatalf("empty database: err = %v, want ErrNoAuthSchema", err)
		}
		integritytest.Migrated(t, db)
		for _, tbl := range []string{"legacy_users", "dhmig_user_map", "dhmig_rejects", "auth_refresh_tokens"} {
			integritytest.Exec(t, db, `DROP TABLE `+tbl)
		}
		s, err := metrics.Collect(ctx, db, db.Dialect, metrics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.LegacyUsers != nil || s.MigratedUsers != nil || s.TempPasswordUsers != nil || s.RejectedLegacyUsers != nil || s.RefreshTokens != nil {
			t.Errorf("counts of missing tables must be nil: %+v", s)
		}
		if s.TotalUsers != integritytest.TotalUsers {
			t.Errorf("total_users = %d", s.TotalUsers)
		}
		if _, err := metrics.Collect(ctx, db, db.Dialect, metrics.Options{SourceTable: "x; DROP TABLE auth_users"}); err == nil {
			t.Error("a hostile source table name must be refused")
		}
	})
}
