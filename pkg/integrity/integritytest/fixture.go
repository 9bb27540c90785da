// Package integritytest builds, for tests, the database a clean dhmig
// migration leaves behind — written directly with SQL, so that verify and
// metrics are tested independently of migrate-users — and plants one
// defect at a time into it.
package integritytest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// Base is the fixture's reference time: tokens expire relative to it.
var Base = time.Date(2025, 8, 17, 12, 0, 0, 0, time.UTC)

// User is one auth_users row to insert.
type User struct {
	ID, Email, Username, PasswordHash string
	Status                            string
	Roles                             []string
	Locked                            bool
	Verified                          bool
}

// Known numbers of the clean fixture, for metrics tests.
const (
	TotalUsers      = 5 // four migrated, one signed up after cutover
	ActiveUsers     = 4
	LockedAccounts  = 1
	UnverifiedUsers = 1
	LegacyRows      = 6
	MigratedUsers   = 4
	RejectedRows    = 2
	TempPassword    = 1
	AdminUsers      = 1
	TokensActive    = 2
	TokensRevoked   = 1
	TokensExpired   = 1
)

// IDs of the fixture's users.
const (
	Alice = "11111111-1111-4111-8111-111111111111"
	Bob   = "22222222-2222-4222-8222-222222222222"
	Carol = "33333333-3333-4333-8333-333333333333"
	Dave  = "44444444-4444-4444-8444-444444444444"
	Grace = "77777777-7777-4777-8777-777777777777"
)

// Hash returns a real bcrypt hash at cost 4 (tests never hash slower).
func Hash(t testing.TB, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), 4)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// Exec runs statements with ? placeholders, failing the test on error.
func Exec(t testing.TB, db *database.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), db.Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Migrated applies dhmig's schema and writes a clean migration: six legacy
// rows, four migrated (one with a temporary password, one locked, one whose
// legacy email had capitals), two rejected, one user who signed up after
// cutover, and four refresh tokens (two active, one revoked, one expired).
func Migrated(t testing.TB, db *database.DB) {
	t.Helper()
	ctx := context.Background()
	m, err := schema.New(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.UpEach(ctx, db.DB); err != nil {
		t.Fatalf("schema up: %v", err)
	}
	Exec(t, db, `CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320), username VARCHAR(200),
		password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`)
	ha, hb, hd := Hash(t, "alice-pw"), Hash(t, "bob-pw"), Hash(t, "dave-pw")
	d := db.Dialect
	legacy := []struct {
		id                   int
		email, name          string
		hash                 any
		active               bool
		migratedAs, rejected string
	}{
		{1, "alice@example.com", "alice", ha, true, Alice, ""},
		{2, " Bob@Example.COM", "bob", hb, true, Bob, ""},
		{3, "carol@example.com", "carol", nil, false, Carol, ""},
		{4, "dave@example.com", "dave", hd, true, Dave, ""},
		{5, "not-an-email", "eve", Hash(t, "eve-pw"), true, "", "INVALID_EMAIL"},
		{6, "frank@example.com", "frank", "pbkdf2_sha256$600000$c2FsdA$" + strings.Repeat("A", 43), true, "", "UNSUPPORTED_HASH"},
	}
	for _, l := range legacy {
		Exec(t, db, `INSERT INTO legacy_users (id, email, username, password_hash, created_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`,
			l.id, l.email, l.name, l.hash, d.Timestamp(Base.AddDate(-1, 0, l.id)), d.Bool(l.active))
		if l.rejected != "" {
			Exec(t, db, `INSERT INTO dhmig_rejects (legacy_id, code, field, run_id) VALUES (?, ?, ?, 'run-1')`,
				fmt.Sprint(l.id), l.rejected, "email")
		}
	}
	users := []User{
		{ID: Alice, Email: "alice@example.com", Username: "alice", PasswordHash: ha, Status: "active", Verified: true},
		{ID: Bob, Email: "bob@example.com", Username: "bob", PasswordHash: hb, Status: "active", Verified: true},
		{ID: Carol, Email: "carol@example.com", Username: "carol", PasswordHash: Hash(t, "temporary"), Status: "pending_verification"},
		{ID: Dave, Email: "dave@example.com", Username: "dave", PasswordHash: hd, Status: "active", Verified: true, Locked: true},
		{ID: Grace, Email: "grace@example.com", Username: "grace", PasswordHash: Hash(t, "grace-pw"), Status: "active",
			Verified: true, Roles: []string{"user", "admin"}},
	}
	for _, u := range users {
		InsertUser(t, db, u)
	}
	for i, id := range []string{Alice, Bob, Carol, Dave} {
		Exec(t, db, `INSERT INTO dhmig_user_map (legacy_id, user_id, temp_password, hash_scheme, migrated_at, run_id)
			VALUES (?, ?, ?, ?, ?, 'run-1')`, fmt.Sprint(i+1), id, d.Bool(id == Carol), map[bool]string{true: "temp", false: "bcrypt"}[id == Carol],
			d.Timestamp(Base))
	}
	tokens := []struct {
		id, user string
		expires  time.Time
		revoked  bool
	}{
		{"a0000000-0000-4000-8000-000000000001", Alice, Base.Add(24 * time.Hour), false},
		{"a0000000-0000-4000-8000-000000000002", Bob, Base.Add(24 * time.Hour), true},
		{"a0000000-0000-4000-8000-000000000003", Carol, Base.Add(-time.Hour), false},
		{"a0000000-0000-4000-8000-000000000004", Grace, Base.Add(30 * 24 * time.Hour), false},
	}
	for _, tk := range tokens {
		var revoked any
		if tk.revoked {
			revoked = d.Timestamp(Base.Add(-time.Minute))
		}
		Exec(t, db, `INSERT INTO auth_refresh_tokens (id, user_id, token_family, token_hash, expires_at, created_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, tk.id, tk.user, "f0000000-0000-4000-8000-000000000001", "sha256-of-"+tk.id,
			d.Timestamp(tk.expires), d.Timestamp(Base.Add(-2*time.Hour)), revoked)
	}
}

// InsertUser writes one auth_users row; empty Roles means ["user"].
func InsertUser(t testing.TB, db *database.DB, u User) {
	t.Helper()
	d := db.Dialect
	if u.Roles == nil {
		u.Roles = []string{"user"}
	}
	var verified any
	if u.Verified {
		verified = d.Timestamp(Base.AddDate(0, -1, 0))
	}
	Exec(t, db, `INSERT INTO auth_users (id, email, username, password_hash, status, roles, is_locked,
		failed_login_attempts, created_at, updated_at, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
		u.ID, u.Email, u.Username, u.PasswordHash, u.Status, d.Roles(u.Roles), d.Bool(u.Locked),
		d.Timestamp(Base.AddDate(0, -1, 0)), d.Timestamp(Base), verified)
}
