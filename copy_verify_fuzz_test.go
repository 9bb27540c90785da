package dhmig_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/migration"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/target"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// legacyRow is one generated legacy row: each value any type a legacy
// table may hand over (SQLite's loose typing: numbers and blobs in text
// columns, text in number columns).
type legacyRow struct{ id, email, username, hash, created, active any }

// grammar turns fuzz bytes into legacy rows: every choice reads a byte,
// so the fuzzer steers the kinds of values while the values themselves
// come from hostile pieces.
type grammar struct {
	data []byte
	hash string
}

func (g *grammar) next() int {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return int(b)
}

func pick[T any](g *grammar, list []T) T { return list[g.next()%len(list)] }

var (
	emailCores = []string{"name@example.com", "first.last+tag@sub.example.org", "o'brien@example.com",
		"x'; DROP TABLE auth_users;--@example.com", "ÅSA@example.com", "straße@example.de", "İSTANBUL@example.com",
		"ıi@example.com", "ΣΑΣ@example.gr", "ﬁle@example.com", "\u212Aelvin@example.com", "a@b.c", "plain",
		strings.Repeat("a", target.MaxEmailLen-12) + "@example.com", strings.Repeat("a", target.MaxEmailLen-11) + "@example.com",
		"a\x00b@example.com", "\xffname@example.com", "tab\tinside@example.com"}
	usernameCores = []string{"alice", "Ålice Ström", "ΣΑΣ", "straße", "Robert'); DROP TABLE legacy_users;--", "bob smith",
		"🙂", strings.Repeat("é", target.MaxUsernameLen), strings.Repeat("é", target.MaxUsernameLen+1),
		strings.Repeat("u", target.MaxUsernameLen+1), "a\x00b", "\xff\xfe", "esc\x1b[31m", "a\u0085b", "A\u200bB"}
	extraWraps = []string{"", "", "\x00", "\x1b", "x", "\u00ad", "\r\n"}
)

// wrap puts up to two blanks (or near-blanks) at either end of s.
func (g *grammar) wrap(s string) string {
	piece := func() string {
		if g.next()%3 == 0 {
			return pick(g, extraWraps)
		}
		return string(pick(g, target.Blanks))
	}
	for range g.next() % 3 {
		s = piece() + s
	}
	for range g.next() % 3 {
		s += piece()
	}
	return s
}

func (g *grammar) recase(s string) string {
	switch g.next() % 4 {
	case 1:
		return strings.ToUpper(s)
	case 2:
		return strings.ToLower(s)
	}
	return s
}

func (g *grammar) rows() []legacyRow {
	n := 1 + g.next()%8
	var out []legacyRow
	for i := range n {
		var r legacyRow
		var prev *legacyRow
		if len(out) > 0 {
			prev = &out[g.next()%len(out)]
		}
		switch k := g.next() % 8; {
		case k == 1:
			r.id = fmt.Sprintf("id-%d", i)
		case k == 2 && prev != nil:
			r.id = prev.id // rows sharing an id
		case k == 3:
			r.id = nil
		case k == 4 && prev != nil:
			if x, ok := prev.id.(int64); ok {
				r.id = fmt.Sprint(x) // 10 and '10'
			} else {
				r.id = int64(i + 1)
			}
		case k == 5:
			r.id = float64(i) + 0.5
		case k == 6:
			r.id = []byte(fmt.Sprintf("b%d", i))
		default:
			r.id = int64(i + 1)
		}
		switch k := g.next() % 8; {
		case k == 0:
			r.email = nil
		case k == 1:
			r.email = int64(42)
		case k == 2 && prev != nil:
			if s, ok := prev.email.(string); ok { // collides after canonicalisation
				r.email = g.wrap(g.recase(target.Trim(s)))
				break
			}
			fallthrough
		default:
			r.email = g.wrap(g.recase(pick(g, emailCores)))
		}
		switch k := g.next() % 8; {
		case k == 0:
			r.username = nil
		case k == 1:
			r.username = int64(7)
		case k == 2 && prev != nil:
			if s, ok := prev.username.(string); ok {
				r.username = g.wrap(target.Trim(s))
				break
			}
			fallthrough
		default:
			r.username = g.wrap(pick(g, usernameCores) + fmt.Sprint(g.next()%3))
		}
		r.hash = pick(g, []any{g.hash, g.hash, " " + g.hash, g.hash + "\n", "", nil, "pbkdf2_sha256$600000$salt$abc",
			strings.Replace(g.hash, "$2a$", "$2x$", 1), int64(5)})
		r.created = pick(g, []any{nil, "2024-01-02 03:04:05", "2024-01-02T03:04:05+02:00", "2024-01-02 03:04:05.5",
			int64(1700000000), int64(1700000000000), 1700000000.25, "1700000000000", "yesterday", 1e20,
			"2024-02-30 00:00:00", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(55840, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2023, 5, 6, 7, 8, 9, 123456789, time.UTC), ""})
		r.active = pick(g, []any{nil, true, false, int64(0), int64(1), int64(2), "yes", "no", "t", "f", "maybe", 1.0})
		out = append(out, r)
	}
	return out
}

// forPostgres maps a row to what a PostgreSQL legacy table (text columns,
// TIMESTAMP, BOOLEAN) can hold: text is UTF-8 without NUL there.
func forPostgres(r legacyRow) legacyRow {
	text := func(v any) any {
		switch x := v.(type) {
		case nil:
			return nil
		case []byte:
			v = string(x)
		}
		s := strings.ReplaceAll(strings.ToValidUTF8(fmt.Sprint(v), "?"), "\x00", "")
		return s
	}
	out := legacyRow{id: text(r.id), email: text(r.email), username: text(r.username), hash: text(r.hash)}
	if t, ok := r.created.(time.Time); ok {
		out.created = t
	}
	if b, ok := r.active.(bool); ok {
		out.active = b
	}
	return out
}

// loose is a SQLite legacy table whose columns have no declared type, so
// every value keeps the kind it was written with.
const (
	looseLegacyDDL = `CREATE TABLE legacy_users (id, email, username, password_hash, created_at, is_active)`
	typedLegacyDDL = `CREATE TABLE legacy_users (id TEXT, email TEXT, username TEXT, password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN)`
)

func migrateOnce(t *testing.T, db *database.DB, p *target.Profile) migration.Result {
	t.Helper()
	res, err := migration.Run(context.Background(), db, migration.Options{
		Execute: true,
		Target:  p,
		Gate:    migration.GateOptions{Skip: true},
		Users: usermigrate.Options{SourceTable: "legacy_users", OnConflict: usermigrate.ConflictSkip,
			UnsupportedHash: usermigrate.HashReset, EmailCase: usermigrate.EmailLower,
			TempPasswords: password.TempSealed, BcryptCost: 4, Now: time.Now().UTC(), Rejects: io.Discard},
		Verify: integrity.Options{Source: integrity.Source{Table: "legacy_users", Required: true}},
	})
	if err != nil {
		detail := ""
		if res.Verify != nil {
			for _, c := range res.Verify.Checks {
				if c.Status == integrity.StatusFail {
					detail += fmt.Sprintf("\n  %s: %d %+v", c.ID, c.Count, c.Examples)
				}
			}
		}
		t.Fatalf("migrate --execute: %v%s", err, detail)
	}
	return res
}

func count(t *testing.T, db *database.DB, query string) int64 {
	t.Helper()
	var n int64
	if err := db.Get(&n, query); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkCopyVerify is the property: every legacy row is migrated, and then
// passes every verify check, or rejected with a code; a second run migrates
// nothing; legacy_users is unchanged.
func checkCopyVerify(t *testing.T, db *database.DB, p *target.Profile, rows []legacyRow) {
	t.Helper()
	legacyBefore := dbtest.Snapshot(t, db)["legacy_users"]
	first := migrateOnce(t, db, p)
	if !first.Committed || !first.Verify.OK {
		t.Fatalf("first run: committed %v, verify ok %v", first.Committed, first.Verify.OK)
	}
	mapped := count(t, db, `SELECT COUNT(*) FROM dhmig_user_map`)
	rejected := count(t, db, `SELECT COUNT(*) FROM dhmig_rejects WHERE code <> ''`)
	if mapped+rejected != int64(len(rows)) || first.Users.Migrated != mapped || first.Users.Rejected != rejected {
		t.Fatalf("%d legacy rows, %d migrated (result %d), %d rejected with a code (result %d)",
			len(rows), mapped, first.Users.Migrated, rejected, first.Users.Rejected)
	}
	second := migrateOnce(t, db, p)
	if second.Users.Migrated != 0 || !second.Verify.OK {
		t.Fatalf("second run migrated %d, verify ok %v", second.Users.Migrated, second.Verify.OK)
	}
	if after := dbtest.Snapshot(t, db)["legacy_users"]; !slices.Equal(after, legacyBefore) {
		t.Fatalf("legacy_users changed:\n%v\n%v", legacyBefore, after)
	}
}

func insertRows(t *testing.T, db *database.DB, rows []legacyRow) {
	t.Helper()
	q := db.Rebind(`INSERT INTO legacy_users (id, email, username, password_hash, created_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`)
	for _, r := range rows {
		if _, err := db.Exec(q, r.id, r.email, r.username, r.hash, r.created, r.active); err != nil {
			t.Fatalf("insert %+v: %v", r, err)
		}
	}
}

// FuzzCopyVerify generates legacy tables from a grammar of hostile values
// and runs the real migrate (schema, copy, verify in one transaction) on a
// real SQLite file and a real PostgreSQL database, for every target (each
// in databases of its own). Its corpus in testdata/fuzz/FuzzCopyVerify
// replays with make test; make fuzz explores.
func FuzzCopyVerify(f *testing.F) {
	hash, err := bcrypt.GenerateFromPassword([]byte("legacy-password"), 4)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"", "\x07\x00\x00\x00\x01\x02\x03", "\x05\x02\x02\x02\x02\x02\x02\x02\x02\x02",
		strings.Repeat("\x03\x04\x05\x06\x07", 20), strings.Repeat("\xff\x80\x11", 30)} {
		f.Add([]byte(seed))
	}
	// One database per engine and target for the whole run, emptied
	// between inputs: the schema stays, so each input pays for the
	// migration alone.
	type dbs struct{ sqlite, pg *database.DB }
	byTarget := map[*target.Profile]dbs{}
	profiles := []*target.Profile{target.Guide, target.Dhafnck}
	for _, p := range profiles {
		byTarget[p] = dbs{dbtest.Open(f, dbtest.SQLite(f)), dbtest.Open(f, dbtest.Postgres(f))}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows := (&grammar{data: data, hash: string(hash)}).rows()
		pgRows := make([]legacyRow, len(rows))
		for i, r := range rows {
			pgRows[i] = forPostgres(r)
		}
		for _, p := range profiles {
			sqlite, pg := byTarget[p].sqlite, byTarget[p].pg
			reset(t, sqlite, p, looseLegacyDDL)
			insertRows(t, sqlite, rows)
			checkCopyVerify(t, sqlite, p, rows)

			reset(t, pg, p, typedLegacyDDL)
			insertRows(t, pg, pgRows)
			checkCopyVerify(t, pg, p, pgRows)
		}
	})
}

// reset empties what a previous input left (dhmig's tables keep their
// schema) and creates legacy_users anew.
func reset(t *testing.T, db *database.DB, p *target.Profile, legacyDDL string) {
	t.Helper()
	ctx := context.Background()
	tables := []string{"dhmig_user_map", "dhmig_rejects", "dhmig_runs", p.Users}
	if p.Tokens != "" {
		tables = append([]string{p.Tokens}, tables...)
	}
	for _, table := range tables {
		ok, err := database.TableExists(ctx, db.Dialect, db, table)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if _, err := db.Exec(`DELETE FROM ` + table); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := db.Exec(`DROP TABLE IF EXISTS legacy_users`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(legacyDDL); err != nil {
		t.Fatal(err)
	}
}
