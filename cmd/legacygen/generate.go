package main

import (
	"context"
	"crypto/md5"  //nolint:gosec // fixtures of legacy digests, not security
	"crypto/sha1" //nolint:gosec // fixtures of legacy digests, not security
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Options shape the generated table.
type Options struct {
	Rows          int
	NullHashShare float64
	// DirtyShare is the share of rows made dirty, spread evenly over the
	// dirty kinds (DirtyKinds).
	DirtyShare float64
	Seed       int64
	Table      string
	Replace    bool
}

// LegacyUser is one generated row. CreatedAt is nil, a time.Time, or a
// loose value a legacy SQLite table holds (Unix seconds or milliseconds as
// an integer, text in another writer's form); IsActive is nil, a bool, or
// a loose value (a word, the integer 2). legacyValues writes each as the
// engine can hold it.
type LegacyUser struct {
	ID           int64
	Email        *string
	Username     *string
	PasswordHash *string
	CreatedAt    any
	IsActive     any
}

// DirtyKinds names each kind of dirty row, in the order they are dealt.
var DirtyKinds = []string{
	"case_variant_email", "shared_username", "null_email", "blank_email", "long_email", "malformed_email",
	"null_username", "blank_username", "long_username",
	"hash_2x", "hash_truncated_bcrypt", "hash_django_pbkdf2", "hash_django_argon2", "hash_django_bcrypt_sha256",
	"hash_werkzeug_pbkdf2", "hash_werkzeug_scrypt", "hash_argon2id", "hash_hex_md5", "hash_hex_sha1", "hash_hex_sha256",
	"null_created_at", "null_is_active", "sql_text",
	"tab_wrapped_email", "nbsp_wrapped_email", "vt_ff_wrapped_email", "crlf_username", "zero_width_username",
	"non_ascii_case_email", "control_username", "hash_trailing_newline",
	"created_at_unix_seconds", "created_at_unix_millis", "created_at_iso_zone", "created_at_implausible",
	"is_active_words", "is_active_two",
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

// generator makes rows one at a time, deterministically from the seed, so
// a million rows never sit in memory.
type generator struct {
	o    Options
	r    *rand.Rand
	pool []string
	base time.Time
}

func newGenerator(o Options) *generator {
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x6c656761))
	return &generator{o: o, r: r, pool: hashPool(r, 16), base: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func sp(s string) *string { return &s }

func (g *generator) clean(id int64) LegacyUser {
	r := g.r
	email := fmt.Sprintf("user%07d@example.com", id)
	name := fmt.Sprintf("user%07d", id)
	created := g.base.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour)))).Truncate(time.Second)
	active := r.Float64() < 0.8
	u := LegacyUser{ID: id, Email: &email, Username: &name, CreatedAt: created, IsActive: active}
	if r.Float64() >= g.o.NullHashShare {
		h := g.pool[r.IntN(len(g.pool))]
		u.PasswordHash = &h
	} else if r.IntN(2) == 0 {
		u.PasswordHash = sp("")
	}
	return u
}

// row makes user id (1-based); dirty rows are dealt round-robin over the
// kinds, so every kind appears once the share allows.
func (g *generator) row(id int64, dirtySeq *int) LegacyUser {
	u := g.clean(id)
	if g.o.DirtyShare <= 0 || g.r.Float64() >= g.o.DirtyShare {
		return u
	}
	kind := DirtyKinds[*dirtySeq%len(DirtyKinds)]
	*dirtySeq++
	other := max(1, id-1-int64(g.r.IntN(int(min(id, 1000)))))
	good := g.pool[0]
	digest := fmt.Sprintf("legacy-%d", id)
	switch kind {
	case "case_variant_email":
		u.Email = sp(fmt.Sprintf("  USER%07d@Example.COM ", other))
	case "shared_username":
		u.Username = sp(fmt.Sprintf("user%07d", other))
	case "null_email":
		u.Email = nil
	case "blank_email":
		u.Email = sp("   ")
	case "long_email":
		u.Email = sp(strings.Repeat("x", 260) + fmt.Sprintf("%d@example.com", id))
	case "malformed_email":
		u.Email = sp(fmt.Sprintf("user%07d.example.com", id))
	case "null_username":
		u.Username = nil
	case "blank_username":
		u.Username = sp(" ")
	case "long_username":
		u.Username = sp(strings.Repeat("n", 120) + fmt.Sprint(id))
	case "hash_2x":
		u.PasswordHash = sp("$2x$" + good[4:])
	case "hash_truncated_bcrypt":
		u.PasswordHash = sp(good[:50])
	case "hash_django_pbkdf2":
		u.PasswordHash = sp("pbkdf2_sha256$600000$c2FsdA$" + hex.EncodeToString([]byte(digest)))
	case "hash_django_argon2":
		u.PasswordHash = sp("argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA")
	case "hash_django_bcrypt_sha256":
		u.PasswordHash = sp("bcrypt_sha256$" + good)
	case "hash_werkzeug_pbkdf2":
		u.PasswordHash = sp("pbkdf2:sha256:600000$salt$" + hex.EncodeToString([]byte(digest)))
	case "hash_werkzeug_scrypt":
		u.PasswordHash = sp("scrypt:32768:8:1$salt$" + hex.EncodeToString([]byte(digest)))
	case "hash_argon2id":
		u.PasswordHash = sp("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
	case "hash_hex_md5":
		s := md5.Sum([]byte(digest)) //nolint:gosec // a legacy digest fixture
		u.PasswordHash = sp(hex.EncodeToString(s[:]))
	case "hash_hex_sha1":
		s := sha1.Sum([]byte(digest)) //nolint:gosec // a legacy digest fixture
		u.PasswordHash = sp(hex.EncodeToString(s[:]))
	case "hash_hex_sha256":
		s := sha256.Sum256([]byte(digest))
		u.PasswordHash = sp(hex.EncodeToString(s[:]))
	case "null_created_at":
		u.CreatedAt = nil
	case "null_is_active":
		u.IsActive = nil
	case "sql_text":
		u.Email = sp(fmt.Sprintf("robert.drop+table--%d@example.com", id)) // SQL comment, valid for the app
		u.Username = sp(fmt.Sprintf(`Robert'); DROP TABLE legacy_users;-- %d`, id))
	case "tab_wrapped_email": // migrated trimmed
		u.Email = sp("\t" + *u.Email + "\n")
	case "nbsp_wrapped_email":
		u.Email = sp("\u00a0" + strings.ToUpper(*u.Email) + "\u00a0")
	case "vt_ff_wrapped_email":
		u.Email = sp("\v" + *u.Email + "\f")
	case "crlf_username":
		u.Username = sp("\r\n" + *u.Username + "\r\n")
	case "zero_width_username":
		u.Username = sp("\ufeff" + *u.Username + "\u200b")
	case "non_ascii_case_email": // İ is no ASCII letter: INVALID_EMAIL
		u.Email = sp(fmt.Sprintf("İSTANBUL%d@example.com", id))
	case "control_username": // INVALID_USERNAME
		u.Username = sp(fmt.Sprintf("user\x1b[31m%d", id))
	case "hash_trailing_newline": // a bcrypt hash with a stray blank is malformed
		u.PasswordHash = sp(good + "\n")
	case "created_at_unix_seconds":
		u.CreatedAt = u.CreatedAt.(time.Time).Unix()
	case "created_at_unix_millis":
		u.CreatedAt = u.CreatedAt.(time.Time).UnixMilli()
	case "created_at_iso_zone":
		u.CreatedAt = u.CreatedAt.(time.Time).In(time.FixedZone("", 2*3600)).Format(time.RFC3339)
	case "created_at_implausible": // INVALID_CREATED_AT
		u.CreatedAt = time.Date(55840, 1, 1, 0, 0, 0, 0, time.UTC)
	case "is_active_words":
		u.IsActive = map[bool]string{true: "yes", false: "no"}[u.IsActive.(bool)]
	case "is_active_two": // INVALID_IS_ACTIVE where the engine can hold it
		u.IsActive = int64(2)
	}
	return u
}

// generateUsers generates the rows deterministically from the seed.
func generateUsers(o Options) []LegacyUser {
	g := newGenerator(o)
	users := make([]LegacyUser, o.Rows)
	seq := 0
	for i := range users {
		users[i] = g.row(int64(i+1), &seq)
	}
	return users
}

// batchRows is how many rows are written at a time.
const batchRows = 5000

// Generate creates the table and writes the rows in one transaction with
// the dialect's bulk inserter (COPY on PostgreSQL, prepared multi-row
// INSERTs on SQLite).
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
	ins, err := db.Dialect.NewInserter(ctx, tx, nil, o.Table, []string{"id", "email", "username", "password_hash", "created_at", "is_active"}, nil)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	g := newGenerator(o)
	seq := 0
	batch := make([][]any, 0, batchRows)
	for i := 1; i <= o.Rows; i++ {
		u := g.row(int64(i), &seq)
		created, active := legacyValues(db.Dialect, u)
		batch = append(batch, []any{u.ID, u.Email, u.Username, u.PasswordHash, created, active})
		if len(batch) == batchRows || i == o.Rows {
			if err := ins.Insert(ctx, batch); err != nil {
				return 0, fmt.Errorf("insert legacy users up to %d: %w", i, err)
			}
			batch = batch[:0]
		}
		if i%batchRows == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return o.Rows, tx.Commit()
}

// legacyValues encodes created_at and is_active for the engine. SQLite's
// columns take the loose values as they are; PostgreSQL's typed columns
// take what a loose value stands for (a time, a boolean word it parses
// itself), and NULL for the integer 2, which no boolean column holds.
func legacyValues(d database.Core, u LegacyUser) (created, active any) {
	sqlite := d.Kind() == database.SQLite
	switch v := u.CreatedAt.(type) {
	case time.Time:
		if y := v.Year(); y > 9999 && sqlite {
			created = v.UnixMilli() * 1000 // far past the years SQLite text holds: a number
		} else {
			created = d.Timestamp(v)
		}
	case int64:
		created = v
		if !sqlite {
			created = d.Timestamp(unixAny(v))
		}
	case string:
		created = v
		if t, err := time.Parse(time.RFC3339, v); err == nil && !sqlite {
			created = d.Timestamp(t)
		}
	}
	switch v := u.IsActive.(type) {
	case bool:
		active = d.Bool(v)
	case string:
		active = v
	case int64:
		if sqlite {
			active = v
		}
	}
	return created, active
}

// unixAny reads seconds, or milliseconds past 10^12, as dhmig does.
func unixAny(v int64) time.Time {
	if v > 1e12 {
		return time.UnixMilli(v).UTC()
	}
	return time.Unix(v, 0).UTC()
}
