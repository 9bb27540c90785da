package smoke_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/token"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// secret is the app's JWT_SECRET_KEY in these tests.
var secret = []byte("smoke-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

func hs256(t testing.TB, s []byte) token.Keys {
	t.Helper()
	k, err := token.LoadKeys(token.KeyOptions{Algorithm: "HS256", Secret: s})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func exec(t testing.TB, db *database.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(db.Rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// migrated builds the dirty fixture on a fresh database of tg's engine and
// migrates it with dhmig's own copy (--on-conflict skip --unsupported-hash
// keep, sealed temporary passwords), then changes what happens after
// cutover: an administrator locks dave and suspends ivan, judy's legacy row
// arrives late, and mallory is written by someone else with capitals in
// her email. Each row is one kind of user login-check must explain.
func migrated(t testing.TB, tg database.Target) *database.DB {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t, tg)
	m, err := schema.New(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.UpEach(ctx, db.DB); err != nil {
		t.Fatalf("schema up: %v", err)
	}
	exec(t, db, `CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320), username VARCHAR(200),
		password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`)
	hash := func(pw string) any {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), 4)
		if err != nil {
			t.Fatal(err)
		}
		return string(h)
	}
	base := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	rows := []struct {
		id          int
		email, name string
		hash        any
		active      bool
	}{
		{1, "alice@example.com", "alice", hash("alice-pw"), true},
		{2, " Bob@Example.COM", "bob", hash("bob-pw"), true},
		{3, "carol@example.com", "carol", hash("carol-pw"), false},
		{4, "dave@example.com", "dave", hash("dave-pw"), true},
		{5, "erin@example.com", "erin", nil, true},
		{6, "frank@example.com", "frank", "pbkdf2_sha256$600000$c2FsdA$aGFzaGhhc2hoYXNo", true},
		{7, "not-an-email", "gina", hash("gina-pw"), true},
		{8, "heidi@example.com", "heidi", hash("heidi-pw"), true},
		{9, "HEIDI@example.com", "heidi2", hash("heidi2-pw"), true},
		{10, "ivan@example.com", "ivan", hash("ivan-pw"), true},
	}
	ins := `INSERT INTO legacy_users (id, email, username, password_hash, created_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`
	for _, r := range rows {
		exec(t, db, ins, r.id, r.email, r.name, r.hash, db.Dialect.Timestamp(base.Add(time.Duration(r.id)*time.Hour)), db.Dialect.Bool(r.active))
	}

	w, err := database.BeginWrite(ctx, db, database.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := usermigrate.Run(ctx, w, usermigrate.Options{
		OnConflict: usermigrate.ConflictSkip, UnsupportedHash: usermigrate.HashKeep,
		TempPasswords: password.TempSealed, BcryptCost: 4,
	})
	if err != nil {
		w.Close()
		t.Fatalf("migrate: %v", err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	// The SQLite pool holds one connection: hand it back before writing more.
	w.Close()
	if res.Migrated != 8 || res.Rejected != 2 {
		t.Fatalf("fixture: migrated %d, rejected %d (want 8 and 2): %+v", res.Migrated, res.Rejected, res)
	}

	exec(t, db, `UPDATE auth_users SET is_locked = ?, locked_at = ?, lock_reason = 'too many attempts' WHERE email = 'dave@example.com'`,
		db.Dialect.Bool(true), db.Dialect.Timestamp(base))
	exec(t, db, `UPDATE auth_users SET status = 'suspended' WHERE email = 'ivan@example.com'`)
	exec(t, db, ins, 11, "judy@example.com", "judy", hash("judy-pw"), db.Dialect.Timestamp(base), db.Dialect.Bool(true))
	exec(t, db, `INSERT INTO auth_users (id, email, username, password_hash, status, roles, verified_at)
		VALUES (?, 'Mallory@Example.com', 'mallory', ?, 'active', ?, ?)`,
		"99999999-9999-4999-8999-999999999999", hash("mallory-pw"), db.Dialect.Roles([]string{"user"}), db.Dialect.Timestamp(base))
	return db
}
