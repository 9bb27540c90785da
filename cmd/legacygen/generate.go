package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Options shape the generated table.
type Options struct {
	Rows          int
	NullHashShare float64
	Seed          int64
	Table         string
	Replace       bool
}

// LegacyUser is one generated row.
type LegacyUser struct {
	ID           int64
	Email        *string
	Username     *string
	PasswordHash *string
	CreatedAt    *time.Time
	IsActive     *bool
}

// hashPool is a few real bcrypt hashes (cost 4), reused so that a million
// rows take seconds, not hours.
func hashPool(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		pw := fmt.Sprintf("legacy-password-%d-%d", i, r.Int64())
		h, _ := bcrypt.GenerateFromPassword([]byte(pw), 4)
		out[i] = string(h)
	}
	return out
}

// Users generates the rows deterministically from the seed.
func Users(o Options) []LegacyUser {
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x6c656761))
	pool := hashPool(r, 16)
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	users := make([]LegacyUser, o.Rows)
	for i := range users {
		id := int64(i + 1)
		email := fmt.Sprintf("user%07d@example.com", id)
		name := fmt.Sprintf("user%07d", id)
		created := base.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour)))).Truncate(time.Second)
		active := r.Float64() < 0.8
		u := LegacyUser{ID: id, Email: &email, Username: &name, CreatedAt: &created, IsActive: &active}
		if r.Float64() >= o.NullHashShare {
			h := pool[r.IntN(len(pool))]
			u.PasswordHash = &h
		} else if r.IntN(2) == 0 {
			empty := ""
			u.PasswordHash = &empty
		}
		users[i] = u
	}
	return users
}

// Generate creates the table and writes the rows in one transaction.
func Generate(ctx context.Context, db *database.DB, o Options) (int, error) {
	q := db.Dialect.QuoteIdent(o.Table)
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if o.Replace {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+q); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE `+q+` (
		id INTEGER PRIMARY KEY,
		email VARCHAR(320),
		username VARCHAR(200),
		password_hash TEXT,
		created_at TIMESTAMP,
		is_active BOOLEAN)`); err != nil {
		return 0, fmt.Errorf("create %s: %w", o.Table, err)
	}
	stmt, err := tx.PreparexContext(ctx, tx.Rebind(`INSERT INTO `+q+
		` (id, email, username, password_hash, created_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	users := Users(o)
	for _, u := range users {
		var created, active any
		if u.CreatedAt != nil {
			created = db.Dialect.Timestamp(*u.CreatedAt)
		}
		if u.IsActive != nil {
			active = db.Dialect.Bool(*u.IsActive)
		}
		if _, err := stmt.ExecContext(ctx, u.ID, u.Email, u.Username, u.PasswordHash, created, active); err != nil {
			return 0, fmt.Errorf("insert legacy user %d: %w", u.ID, err)
		}
	}
	return len(users), tx.Commit()
}
