package database_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// evalBool evaluates a boolean SQL fragment whose ? marks all stand for
// value (nil binds NULL); a nil result means SQL NULL.
func evalBool(t *testing.T, db *database.DB, pred string, value any) *bool {
	t.Helper()
	q := "SELECT CASE WHEN " + pred + " THEN 1 WHEN NOT (" + pred + ") THEN 0 END"
	args := make([]any, strings.Count(q, "?"))
	for i := range args {
		args[i] = value
	}
	var v sql.NullInt64
	q = sqlx.Rebind(sqlx.BindType(db.DriverName()), q)
	if err := db.QueryRowxContext(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if !v.Valid {
		return nil
	}
	b := v.Int64 == 1
	return &b
}

func TestAcceptedBcryptSQL(t *testing.T) {
	valid := "$2b$12$" + strings.Repeat("a", 22) + strings.Repeat("Z", 31)
	cases := []struct {
		name, hash string
		want       bool
	}{
		{"2b cost 12", valid, true},
		{"2a cost 04", "$2a$04$" + strings.Repeat("./", 26) + "x", true},
		{"2y cost 31", "$2y$31$" + strings.Repeat("9", 53), true},
		{"2x variant", "$2x$12$" + strings.Repeat("a", 53), false},
		{"2 without letter", "$2$12$" + strings.Repeat("a", 54), false},
		{"cost 03", "$2b$03$" + strings.Repeat("a", 53), false},
		{"cost 32", "$2b$32$" + strings.Repeat("a", 53), false},
		{"cost 4a", "$2b$4a$" + strings.Repeat("a", 53), false},
		{"truncated", valid[:59], false},
		{"too long", valid + "a", false},
		{"bad alphabet", "$2b$12$" + strings.Repeat("a", 52) + "+", false},
		{"non-ascii", "$2b$12$" + strings.Repeat("a", 52) + "é", false},
		{"non-ascii, 60 bytes", "$2b$12$" + strings.Repeat("a", 51) + "é", false},
		{"non-ascii prefix, 60 bytes", "$2b$1é$" + strings.Repeat("a", 52), false},
		{"missing cost dollar", "$2b$12a" + strings.Repeat("a", 53), false},
		{"django pbkdf2", "pbkdf2_sha256$600000$salt$" + strings.Repeat("A", 34), false},
		{"werkzeug", "pbkdf2:sha256:600000$salt$" + strings.Repeat("a", 34), false},
		{"argon2id", "$argon2id$v=19$m=65536,t=3,p=4$" + strings.Repeat("a", 29), false},
		{"bare hex", strings.Repeat("ab", 30), false},
		{"empty", "", false},
	}
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		pred := db.Dialect.AcceptedBcryptSQL("CAST(? AS TEXT)")
		for _, c := range cases {
			got := evalBool(t, db, pred, c.hash)
			if got == nil || *got != c.want {
				t.Errorf("%s: %q accepted = %v, want %v", c.name, c.hash, fmtBool(got), c.want)
			}
		}
		if got := evalBool(t, db, pred, nil); got != nil {
			t.Errorf("NULL hash: got %v, want NULL", *got)
		}
	})
}

func TestValidEmailSQL(t *testing.T) {
	cases := []struct {
		email string
		want  bool
	}{
		{"alice@example.com", true},
		{"Alice.Smith+tag@Example.CO.uk", true},
		{"a_b%c-d@sub-domain.example.io", true},
		{"x@y.zz", true},
		{"x@y.z", false},
		{"x@y.c0m", false},
		{"x@.com", false},
		{"@example.com", false},
		{"alice", false},
		{"alice@", false},
		{"alice@example", false},
		{"alice@@example.com", false},
		{"alice@ex@ample.com", false},
		{"al ice@example.com", false},
		{" alice@example.com", false},
		{"alice@example.com ", false},
		{"alicé@example.com", false},
		{"alice@exämple.com", false},
		{"alice@example.com.", false},
		{"alice@-.com", true},
		{"alice@example..com", true},
		{"alice@example.c-m", false},
		{"alice@example.museum", true},
		{strings.Repeat("a", 242) + "@example.com", true},
		{strings.Repeat("a", 243) + "@example.com", false},
		{strings.Repeat("é", 120) + "@example.com", false},
	}
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		pred := db.Dialect.ValidEmailSQL("CAST(? AS TEXT)", target.MaxEmailLen)
		for _, c := range cases {
			got := evalBool(t, db, pred, c.email)
			if got == nil || *got != c.want {
				t.Errorf("%q valid = %v, want %v", c.email, fmtBool(got), c.want)
			}
		}
		if got := evalBool(t, db, pred, nil); got != nil {
			t.Errorf("NULL email: got %v, want NULL", *got)
		}
	})
}

func fmtBool(b *bool) string {
	if b == nil {
		return "NULL"
	}
	if *b {
		return "true"
	}
	return "false"
}

// TestUnknownRolesSQL: lists of known roles pass, anything else is unknown,
// on both engines; on SQLite also the JSON texts the fast path must not
// misjudge.
func TestUnknownRolesSQL(t *testing.T) {
	known := []string{"admin", "user", "viewer", "developer"}
	lists := []struct {
		roles   []string
		unknown bool
	}{
		{[]string{"user"}, false},
		{[]string{"admin", "user"}, false},
		{[]string{"developer"}, false},
		{[]string{"moderator"}, true},
		{[]string{"user", "moderator"}, true},
		{[]string{"User"}, true},
		{[]string{}, true},
		{nil, true},
	}
	sqliteTexts := []struct {
		text    string
		unknown bool
	}{
		{`["user"]`, false},
		{`[ "user" ]`, false},
		{`["viewer","admin"]`, false},
		{`["moderator"]`, true},
		{`["user",1]`, true},
		{`[1]`, true},
		{`[]`, true},
		{`user`, true},
		{`{"user":1}`, true},
		{`"user"`, true},
		{`["user"`, true},
	}
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		cast := "CAST(? AS TEXT)"
		if tg.Kind == database.Postgres {
			cast = "CAST(? AS text[])"
		}
		pred, args := db.Dialect.UnknownRolesSQL("v.r", known)
		eval := func(value any) bool {
			t.Helper()
			var got int
			q := sqlx.Rebind(sqlx.BindType(db.DriverName()),
				"SELECT CASE WHEN "+pred+" THEN 1 ELSE 0 END FROM (SELECT "+cast+" AS r) v")
			if err := db.GetContext(context.Background(), &got, q, append(append([]any{}, args...), value)...); err != nil {
				t.Fatalf("%v: %v", value, err)
			}
			return got == 1
		}
		for _, c := range lists {
			value := db.Dialect.Roles(c.roles)
			if c.roles == nil {
				value = nil
			}
			if got := eval(value); got != c.unknown {
				t.Errorf("roles %v: unknown = %v, want %v", c.roles, got, c.unknown)
			}
		}
		if tg.Kind != database.SQLite {
			return
		}
		for _, c := range sqliteTexts {
			if got := eval(c.text); got != c.unknown {
				t.Errorf("roles %s: unknown = %v, want %v", c.text, got, c.unknown)
			}
		}
	})
}
