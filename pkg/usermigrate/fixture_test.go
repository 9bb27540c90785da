package usermigrate

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// fixtureRow is one legacy row and what each policy must make of it.
type fixtureRow struct {
	id       int64
	email    *string
	username *string
	hash     *string
	created  *time.Time
	active   *bool
	// skip is the reject code under --on-conflict skip --unsupported-hash
	// reset ("" = migrated); fail is the code under the default policies.
	skip, fail string
	temp       bool // migrated with a temporary password (skip/reset)
}

func sp(s string) *string       { return &s }
func bp(b bool) *bool           { return &b }
func tp(t time.Time) *time.Time { return &t }

var base = time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)

func at(h int) *time.Time { return tp(base.Add(time.Duration(h) * time.Hour)) }

func bcryptHash(t testing.TB, pw string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), 4)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// dirtyFixture covers every dirty kind of the issue.
func dirtyFixture(t testing.TB) []fixtureRow {
	g := bcryptHash(t, "alice-password")
	h2 := bcryptHash(t, "other-password")
	long := strings.Repeat("x", 250) + "@example.com"
	rows := []fixtureRow{
		{id: 1, email: sp("alice@example.com"), username: sp("alice"), hash: sp(g), created: at(1), active: bp(true), fail: CodeConflictEmail},
		{id: 2, email: sp("  Alice@Example.COM "), username: sp("alice2"), hash: sp(h2), created: at(2), active: bp(true), skip: CodeConflictEmail, fail: CodeConflictEmail},
		{id: 3, email: sp("bob@example.com"), username: sp(" alice "), hash: sp(h2), created: at(3), active: bp(false), skip: CodeConflictUsername},
		{id: 4, email: sp("carol@example.com"), username: sp("carol"), hash: sp(g), created: at(10), active: bp(true), skip: CodeConflictEmail, fail: CodeConflictEmail},
		{id: 5, email: sp("CAROL@example.com"), username: sp("carol5"), hash: sp(g), created: at(9), active: bp(true), fail: CodeConflictEmail},
		{id: 6, email: nil, username: sp("u6"), hash: sp(g), created: at(1), active: bp(true), skip: CodeMissingEmail, fail: CodeMissingEmail},
		{id: 7, email: sp("   "), username: sp("u7"), hash: sp(g), created: at(1), active: bp(true), skip: CodeMissingEmail, fail: CodeMissingEmail},
		{id: 8, email: sp(long), username: sp("u8"), hash: sp(g), created: at(1), active: bp(true), skip: CodeTooLongEmail, fail: CodeTooLongEmail},
		{id: 9, email: sp("not-an-email"), username: sp("u9"), hash: sp(g), created: at(1), active: bp(true), skip: CodeInvalidEmail, fail: CodeInvalidEmail},
		{id: 10, email: sp("u10@example.com"), username: nil, hash: sp(g), created: at(1), active: bp(true), skip: CodeMissingUsername, fail: CodeMissingUsername},
		{id: 11, email: sp("u11@example.com"), username: sp("  "), hash: sp(g), created: at(1), active: bp(true), skip: CodeMissingUsername, fail: CodeMissingUsername},
		{id: 12, email: sp("u12@example.com"), username: sp(strings.Repeat("n", 150)), hash: sp(g), created: at(1), active: bp(true), skip: CodeTooLongUsername, fail: CodeTooLongUsername},
		{id: 24, email: sp("u24@example.com"), username: sp("u24"), hash: nil, created: at(1), active: bp(true), temp: true},
		{id: 25, email: sp("u25@example.com"), username: sp("u25"), hash: sp(""), created: at(1), active: bp(false), temp: true},
		{id: 26, email: sp("u26@example.com"), username: sp("u26"), hash: sp(g), created: nil, active: bp(true)},
		{id: 27, email: sp("u27@example.com"), username: sp("u27"), hash: sp(g), created: at(5), active: nil},
		{id: 28, email: sp("robert+drop--table@example.com"), username: sp(`Robert'); DROP TABLE legacy_users;--`), hash: sp(g), created: at(6), active: bp(true)},
		{id: 29, email: sp("u29@example.com"), username: sp("u29"), hash: sp(g), created: at(7), active: bp(false)},
	}
	unsupported := []string{
		"$2x$" + g[4:], g[:40], "pbkdf2_sha256$600000$c2FsdA$aGFzaA==", "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA",
		"bcrypt_sha256$" + g, "pbkdf2:sha256:600000$salt$abcdef", "scrypt:32768:8:1$salt$abcdef",
		"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "5f4dcc3b5aa765d61d8327deb882cf99",
		"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", strings.Repeat("ab", 32),
	}
	for i, h := range unsupported {
		id := int64(100 + i)
		rows = append(rows, fixtureRow{id: id, email: sp(fmt.Sprintf("hash%d@example.com", id)), username: sp(fmt.Sprintf("hash%d", id)),
			hash: sp(h), created: at(1), active: bp(true), fail: CodeUnsupportedHash, temp: true})
	}
	return rows
}

const legacyDDL = `CREATE TABLE %s (
	%s INTEGER PRIMARY KEY, %s VARCHAR(320), username VARCHAR(200), password_hash TEXT,
	created_at TIMESTAMP, is_active BOOLEAN)`

// setup makes a database with the auth schema and the fixture in table.
func setup(t *testing.T, tg database.Target, table, idCol, emailCol string, rows []fixtureRow) *database.DB {
	t.Helper()
	db := dbtest.Open(t, tg)
	ctx := context.Background()
	m, err := schema.New(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.UpEach(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(legacyDDL, table, idCol, emailCol)); err != nil {
		t.Fatal(err)
	}
	insertLegacy(t, db, table, idCol, emailCol, rows)
	return db
}

func insertLegacy(t *testing.T, db *database.DB, table, idCol, emailCol string, rows []fixtureRow) {
	t.Helper()
	q := db.Rebind(fmt.Sprintf(`INSERT INTO %s (%s, %s, username, password_hash, created_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`, table, idCol, emailCol))
	for _, r := range rows {
		var created, active any
		if r.created != nil {
			created = db.Dialect.Timestamp(*r.created)
		}
		if r.active != nil {
			active = db.Dialect.Bool(*r.active)
		}
		if _, err := db.Exec(q, r.id, r.email, r.username, r.hash, created, active); err != nil {
			t.Fatalf("insert legacy row %d: %v", r.id, err)
		}
	}
}

// run executes Run in a write session, committing unless rollback is set,
// as the commands do.
func run(t *testing.T, db *database.DB, o Options, rollback bool) (Result, []byte, error) {
	t.Helper()
	ctx := context.Background()
	var report strings.Builder
	o.Rejects = &report
	if o.BcryptCost == 0 {
		o.BcryptCost = 4
	}
	w, err := database.BeginWrite(ctx, db, database.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	res, err := Run(ctx, w, o)
	if err != nil || rollback {
		if rerr := w.Rollback(); rerr != nil {
			t.Fatal(rerr)
		}
		return res, []byte(report.String()), err
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return res, []byte(report.String()), nil
}

func mustRun(t *testing.T, db *database.DB, o Options, rollback bool) (Result, []byte) {
	t.Helper()
	res, rep, err := run(t, db, o, rollback)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res, rep
}

// count returns SELECT COUNT(*) FROM table.
func count(t *testing.T, db *database.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot renders every row of a table as text, in a stable order.
func snapshot(t *testing.T, db *database.DB, table, order string) []string {
	t.Helper()
	rows, err := db.Queryx(`SELECT * FROM ` + table + ` ORDER BY ` + order)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, fmt.Sprint(vals...))
	}
	return out
}
