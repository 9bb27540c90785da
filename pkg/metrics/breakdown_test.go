package metrics_test

import (
	"context"
	"database/sql"
	"maps"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
	"github.com/dhafnckmcp/dhmig/pkg/metrics"
)

// groupCounts runs a (key, count) query.
func groupCounts(t *testing.T, db *database.DB, query string) map[string]int64 {
	t.Helper()
	rows, err := db.QueryxContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k sql.NullString
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		key := k.String
		if !k.Valid {
			key = metrics.NullStatus
		}
		out[key] += n
	}
	return out
}

// TestBreakdownsMatchPlainGrouping: users by status and by role equal a
// plain GROUP BY of every row, also for statuses and role lists the
// one-scan counts leave to the second query (unknown, NULL, several roles,
// empty, and on SQLite JSON spelled with blanks).
func TestBreakdownsMatchPlainGrouping(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		integritytest.Migrated(t, db)
		d := db.Dialect
		odd := []struct {
			id, status string
			roles      any
		}{
			{"a0000000-0000-4000-8000-000000000001", "banned", d.Roles([]string{"moderator"})},
			{"a0000000-0000-4000-8000-000000000002", "", d.Roles([]string{"admin", "viewer"})},
			{"a0000000-0000-4000-8000-000000000003", "active", d.Roles([]string{})},
			{"a0000000-0000-4000-8000-000000000004", "suspended", nil},
			{"a0000000-0000-4000-8000-000000000005", "banned", d.Roles([]string{"admin"})},
		}
		if tg.Kind == database.SQLite {
			odd = append(odd, struct {
				id, status string
				roles      any
			}{"a0000000-0000-4000-8000-000000000006", "inactive", `[ "user" ]`})
		}
		for i, u := range odd {
			var status any = u.status
			if u.status == "" {
				status = nil
			}
			name := string(rune('p' + i))
			integritytest.Exec(t, db, `INSERT INTO auth_users (id, email, username, password_hash, status, roles)
				VALUES (?, ?, ?, 'x', ?, ?)`, u.id, name+"@example.com", name, status, u.roles)
		}
		s, err := metrics.Collect(context.Background(), db, d, metrics.Options{Now: integritytest.Base})
		if err != nil {
			t.Fatal(err)
		}
		wantStatus := groupCounts(t, db, `SELECT status, COUNT(*) FROM auth_users GROUP BY status`)
		for _, st := range metrics.AppStatuses {
			wantStatus[st] += 0
		}
		if !maps.Equal(s.UsersByStatus, wantStatus) {
			t.Errorf("users by status = %v, plain grouping says %v", s.UsersByStatus, wantStatus)
		}
		from, role := d.UnnestRolesSQL("u.roles", "r")
		wantRole := groupCounts(t, db, `SELECT `+role+`, COUNT(*) FROM auth_users u CROSS JOIN `+from+` GROUP BY `+role)
		for _, r := range metrics.AppRoles {
			wantRole[r] += 0
		}
		if !maps.Equal(s.UsersByRole, wantRole) || wantRole["moderator"] != 1 || wantRole["admin"] != 3 {
			t.Errorf("users by role = %v, plain grouping says %v", s.UsersByRole, wantRole)
		}
		if want := int64(integritytest.TotalUsers + len(odd)); s.TotalUsers != want {
			t.Errorf("total_users = %d, want %d", s.TotalUsers, want)
		}
	})
}
