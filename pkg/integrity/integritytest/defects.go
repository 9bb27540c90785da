package integritytest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Defect is one planted problem and the one check id that must catch it.
type Defect struct {
	Name  string
	Check string
	// Warning is true when the check has warning severity: verify still
	// exits 0.
	Warning bool
	Plant   func(t testing.TB, db *database.DB)
}

// extra is a well-formed user that belongs to no defect; defects vary one
// field of it, so that exactly one check can fail.
func extra(t testing.TB) User {
	return User{ID: "88888888-8888-4888-8888-888888888888", Email: "henry@example.com", Username: "henry",
		PasswordHash: Hash(t, "henry-pw"), Status: "active", Verified: true}
}

// Defects lists every defect the verify tests plant.
func Defects() []Defect {
	return []Defect{
		{Name: "case-variant duplicate email", Check: "data.duplicate_emails", Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.Email = "Alice@Example.com"
			InsertUser(t, db, u)
		}},
		{Name: "duplicate username after trimming", Check: "data.duplicate_usernames", Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.Username = "bob "
			InsertUser(t, db, u)
		}},
		{Name: "empty username", Check: "data.missing_fields", Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.Username = ""
			InsertUser(t, db, u)
		}},
		{Name: "NULL username", Check: "data.missing_fields", Plant: plantNullUsername},
		{Name: "malformed email", Check: "data.malformed_emails", Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.Email = "henry@localhost"
			InsertUser(t, db, u)
		}},
		{Name: "pbkdf2_sha256 hash", Check: "data.password_hash_scheme", Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.PasswordHash = "pbkdf2_sha256$600000$c2FsdA$" + strings.Repeat("B", 43)
			InsertUser(t, db, u)
		}},
		{Name: "unknown status", Check: "data.unknown_status", Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.Status = "banned"
			InsertUser(t, db, u)
		}},
		{Name: "unknown role", Check: "data.unknown_roles", Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.Roles = []string{"user", "root"}
			InsertUser(t, db, u)
		}},
		{Name: "active user without verified_at", Check: "data.active_unverified", Warning: true, Plant: func(t testing.TB, db *database.DB) {
			u := extra(t)
			u.Verified = false
			InsertUser(t, db, u)
		}},
		{Name: "orphaned refresh token", Check: "data.orphan_refresh_tokens", Plant: plantOrphanToken},
		{Name: "dropped index", Check: "schema.indexes", Plant: func(t testing.TB, db *database.DB) {
			Exec(t, db, `DROP INDEX idx_auth_users_status`)
		}},
		{Name: "dropped refresh token table", Check: "schema.tables", Plant: func(t testing.TB, db *database.DB) {
			Exec(t, db, `DROP TABLE auth_refresh_tokens`)
		}},
		{Name: "legacy row with no mapping", Check: "parity.legacy_rows", Plant: func(t testing.TB, db *database.DB) {
			Exec(t, db, `INSERT INTO legacy_users (id, email, username, password_hash) VALUES (7, 'ivan@example.com', 'ivan', NULL)`)
		}},
		{Name: "migrated hash differs from legacy", Check: "parity.mapped_values", Plant: func(t testing.TB, db *database.DB) {
			Exec(t, db, `UPDATE auth_users SET password_hash = ? WHERE id = ?`, Hash(t, "changed"), Alice)
		}},
		{Name: "migrated legacy row deleted", Check: "parity.mapped_values", Plant: func(t testing.TB, db *database.DB) {
			Exec(t, db, `DELETE FROM legacy_users WHERE id = 2`)
		}},
	}
}

// plantOrphanToken inserts a refresh token of a user that does not exist,
// bypassing the foreign key the way each engine allows.
func plantOrphanToken(t testing.TB, db *database.DB) {
	t.Helper()
	const insert = `INSERT INTO auth_refresh_tokens (id, user_id, token_family, token_hash, expires_at)
		VALUES ('a0000000-0000-4000-8000-0000000000ff', '99999999-9999-4999-8999-999999999999',
		'f0000000-0000-4000-8000-000000000001', 'sha256-orphan', ?)`
	ctx := context.Background()
	if db.Dialect.Kind() == database.SQLite {
		// One connection (MaxOpenConns 1), so the PRAGMA holds for the insert.
		Exec(t, db, `PRAGMA foreign_keys = OFF`)
		defer Exec(t, db, `PRAGMA foreign_keys = ON`)
		Exec(t, db, insert, db.Dialect.Timestamp(Base.Add(time.Hour)))
		return
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// Replica mode skips the foreign key triggers for this transaction only.
	if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(insert), db.Dialect.Timestamp(Base.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// plantNullUsername stores a real NULL username, which the schema forbids:
// PostgreSQL drops the NOT NULL constraint; SQLite cannot, so the table is
// rebuilt from its own DDL without it (indexes and UNIQUE kept, so no schema
// check notices).
func plantNullUsername(t testing.TB, db *database.DB) {
	t.Helper()
	u := extra(t)
	insert := `INSERT INTO auth_users (id, email, username, password_hash, status, roles, verified_at)
		VALUES (?, ?, NULL, ?, 'active', ?, ?)`
	args := []any{u.ID, u.Email, u.PasswordHash, db.Dialect.Roles([]string{"user"}), db.Dialect.Timestamp(Base)}
	if db.Dialect.Kind() == database.Postgres {
		Exec(t, db, `ALTER TABLE auth_users ALTER COLUMN username DROP NOT NULL`)
		Exec(t, db, insert, args...)
		return
	}
	var ddl string
	if err := db.GetContext(context.Background(), &ddl, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'auth_users'`); err != nil {
		t.Fatal(err)
	}
	rebuilt := strings.Replace(ddl, "username VARCHAR(100) UNIQUE NOT NULL", "username VARCHAR(100) UNIQUE", 1)
	rebuilt = strings.Replace(rebuilt, "CREATE TABLE auth_users", "CREATE TABLE auth_users_rebuilt", 1)
	if rebuilt == ddl || !strings.Contains(rebuilt, "auth_users_rebuilt") {
		t.Fatalf("cannot rewrite auth_users DDL:\n%s", ddl)
	}
	Exec(t, db, `PRAGMA foreign_keys = OFF`)
	defer Exec(t, db, `PRAGMA foreign_keys = ON`)
	for _, s := range []string{rebuilt, `INSERT INTO auth_users_rebuilt SELECT * FROM auth_users`, `DROP TABLE auth_users`,
		`ALTER TABLE auth_users_rebuilt RENAME TO auth_users`,
		`CREATE INDEX idx_auth_users_email ON auth_users(email)`,
		`CREATE INDEX idx_auth_users_username ON auth_users(username)`,
		`CREATE INDEX idx_auth_users_status ON auth_users(status)`} {
		Exec(t, db, s)
	}
	Exec(t, db, insert, args...)
}
