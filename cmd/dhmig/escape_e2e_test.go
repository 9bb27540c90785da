package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity/integritytest"
)

// rawControl returns the first control character in s that a terminal
// would act on (C0 but newline and tab, DEL, C1, bidi overrides), or "".
func rawControl(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			r == utf8.RuneError && n == 1:
			return s[i : i+n]
		}
		i += n
	}
	return ""
}

func mustNotDriveTerminal(t *testing.T, what string, r result) {
	t.Helper()
	for name, s := range map[string]string{"stdout": r.Stdout, "stderr": r.Stderr} {
		if c := rawControl(s); c != "" {
			t.Errorf("%s: %s carries raw %q:\n%s", what, name, c, r)
		}
	}
}

// Text dhmig did not write reaches the terminal escaped: a forged token's
// claims, legacy and auth values in verify's examples, in every format.
func TestUntrustedTextEscapedE2E(t *testing.T) {
	dir := t.TempDir()
	env := []string{"JWT_SECRET_KEY=" + e2eSecret}
	evil := "u1\x1b[2K\r\x1b[1Astatus     valid\u009b31m\u202eevil\x07"
	forged, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": evil, "email": "a\x1b]0;pwned\x07@example.com", "type": "access", "roles": []string{"user\x1b[8m"},
	}).SignedString([]byte("another installation's secret, 64 characters long, for the test"))
	if err != nil {
		t.Fatal(err)
	}
	r := runDhmig(t, dir, env, "jwt", "verify", forged)
	mustCode(t, r, 3)
	mustNotDriveTerminal(t, "jwt verify", r)
	if !strings.Contains(r.Stdout, `u1\u001b[2K\u000d\u001b[1Astatus`) || !strings.Contains(r.Stdout, "forged") {
		t.Errorf("jwt verify should show the escaped claim and the verdict:\n%s", r)
	}
	r = runDhmig(t, dir, env, "jwt", "verify", forged, "-o", "json")
	mustNotDriveTerminal(t, "jwt verify -o json", r)
	var doc jwtVerifyDoc
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.Claims.Sub != evil {
		t.Errorf("JSON must stay valid and exact: %v, sub %q\n%s", err, doc.Claims.Sub, r)
	}

	tg := dbtest.SQLite(t)
	db := dbtest.Open(t, tg)
	integritytest.Migrated(t, db)
	integritytest.Exec(t, db, "UPDATE auth_users SET email = 'x\x1b[2J\u009b@example.com', status = 's\x1b[1m\u202e' WHERE email = 'alice@example.com'")
	env = []string{"DATABASE_URL=" + dbtest.URL(tg)}
	for _, format := range []string{"table", "json", "junit"} {
		r := runDhmig(t, dir, env, "verify", "-o", format)
		mustCode(t, r, 3)
		mustNotDriveTerminal(t, "verify -o "+format, r)
		if format == "table" && !strings.Contains(r.Stdout, `x\u001b[2J\u009b@example.com`) {
			t.Errorf("verify should show the example escaped:\n%s", r)
		}
	}
}
