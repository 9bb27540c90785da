package dhmig_test

import (
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// TestLooseLegacyValues pins the documented reading of values of another
// kind (docs/migrate-users.md, "Values of another kind") on a SQLite table
// whose columns have no declared type, and the id rules on PostgreSQL.
func TestLooseLegacyValues(t *testing.T) {
	const hash = "$2a$04$gdlyXyOVfVXlbEBHQq1RGO2Krd6UOEvwtWu9Bz0FvCv0LTWM6gvCe"
	ms := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	type want struct {
		code    string // reject code, or "" when migrated
		created string // created_at as stored (SQLite), when migrated
		status  string
	}
	t.Run("sqlite", func(t *testing.T) {
		db := dbtest.Open(t, dbtest.SQLite(t))
		reset(t, db, target.Guide, looseLegacyDDL)
		rows := []legacyRow{
			{int64(10), "ten@example.com", "ten", hash, nil, int64(1)},
			{"10", "ten-text@example.com", "ten-text", hash, nil, int64(1)}, // same text as the integer 10
			{nil, "noid@example.com", "noid", hash, nil, nil},
			{nil, "noid2@example.com", "noid2", hash, nil, nil},
			{int64(20), "ms@example.com", "ms", hash, ms.UnixMilli(), "yes"},
			{int64(21), "sec@example.com", "sec", hash, float64(ms.Unix()) + 0.5, "no"},
			{int64(22), "iso@example.com", "iso", hash, "2023-11-14T23:13:20+01:00", "T"},
			{int64(23), "year@example.com", "year", hash, int64(1e17), true},
			{int64(24), "two@example.com", "two", hash, nil, int64(2)},
			{int64(25), "bad@example.com", "bad", hash, "yesterday", nil},
			{int64(26), int64(42), "num-email", hash, nil, nil},
			{int64(27), "num-user@example.com", int64(7), hash, nil, nil},
			{int64(28), "blob@example.com", []byte{0xff, 0xfe}, hash, nil, nil},
			{int64(29), "esc@example.com", "a\x1b[31mb", hash, nil, nil},
		}
		insertRows(t, db, rows)
		checkCopyVerify(t, db, target.Guide, rows)
		for id, w := range map[string]want{
			"10": {code: "DUPLICATE_ID"}, "20": {created: "2023-11-14 22:13:20", status: "active"},
			"21": {created: "2023-11-14 22:13:20.500000", status: "pending_verification"},
			"22": {created: "2023-11-14 22:13:20", status: "active"}, "23": {code: "INVALID_CREATED_AT"},
			"24": {code: "INVALID_IS_ACTIVE"}, "25": {code: "INVALID_CREATED_AT"}, "26": {code: "INVALID_EMAIL"},
			"27": {status: "pending_verification"}, "28": {code: "INVALID_USERNAME"}, "29": {code: "INVALID_USERNAME"},
		} {
			checkRow(t, db, id, w.code, w.created, w.status)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM dhmig_rejects WHERE legacy_id = '10' AND code = 'DUPLICATE_ID'`); n != 2 {
			t.Errorf("rows sharing id 10 recorded as DUPLICATE_ID: %d, want 2", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM dhmig_rejects WHERE legacy_id IS NULL AND code = 'MISSING_ID'`); n != 2 {
			t.Errorf("rows without an id recorded: %d, want 2", n)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		db := dbtest.Open(t, dbtest.Postgres(t))
		reset(t, db, target.Guide, typedLegacyDDL)
		rows := []legacyRow{
			{"a", "a@example.com", "a", hash, nil, true},
			{"a", "a2@example.com", "a2", hash, nil, true},
			{nil, "noid@example.com", "noid", hash, nil, nil},
			{"b", "b@example.com", "b", hash, time.Date(55840, 1, 1, 0, 0, 0, 0, time.UTC), true},
			{"c", "c@example.com", "c", hash, ms, false},
		}
		insertRows(t, db, rows)
		checkCopyVerify(t, db, target.Guide, rows)
		for id, code := range map[string]string{"a": "DUPLICATE_ID", "b": "INVALID_CREATED_AT", "c": ""} {
			checkRow(t, db, id, code, "", "")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM dhmig_rejects WHERE legacy_id IS NULL AND code = 'MISSING_ID'`); n != 1 {
			t.Errorf("rows without an id recorded: %d, want 1", n)
		}
	})
}

// checkRow asserts what became of legacy row id: rejected with code, or
// migrated with the created_at text and status given (when not empty).
func checkRow(t *testing.T, db *database.DB, id, code, created, status string) {
	t.Helper()
	var got []string
	if err := db.Select(&got, db.Rebind(`SELECT code FROM dhmig_rejects WHERE legacy_id = ?`), id); err != nil {
		t.Fatal(err)
	}
	if code != "" {
		if len(got) == 0 || got[0] != code {
			t.Errorf("legacy row %s: rejects %v, want %s", id, got, code)
		}
		return
	}
	if len(got) != 0 {
		t.Errorf("legacy row %s rejected %v, want it migrated", id, got)
		return
	}
	var c, s string
	err := db.QueryRowx(db.Rebind(`SELECT CAST(a.created_at AS TEXT), a.status FROM auth_users a
		JOIN dhmig_user_map m ON m.user_id = a.id WHERE m.legacy_id = ?`), id).Scan(&c, &s)
	if err != nil {
		t.Fatalf("legacy row %s: %v", id, err)
	}
	if created != "" && c != created || status != "" && s != status {
		t.Errorf("legacy row %s: created_at %q, status %q; want %q, %q", id, c, s, created, status)
	}
}
