package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The dhafnck target's tokens through the binary: the claims the
// DhafnckMCP server writes, and the verdicts for tokens it would refuse.
func TestJWTDhafnckE2E(t *testing.T) {
	dir := t.TempDir()
	env := []string{"JWT_SECRET_KEY=" + e2eSecret, "DHMIG_TARGET=dhafnck"}
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)

	// The configured lifetime is the guide's: the server's is fixed, and
	// dhmig says so.
	r := runDhmig(t, dir, append(env, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES=20"), "jwt", "issue", "--user-id", "u-1",
		"--email", "ada@example.com", "--roles", "user,admin", "-o", "json")
	mustCode(t, r, 0)
	var is struct {
		Token  string         `json:"token"`
		Claims map[string]any `json:"claims"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &is); err != nil {
		t.Fatalf("issue -o json: %v\n%s", err, r)
	}
	c := is.Claims
	if c["iss"] != "dhafnck-mcp" || c["aud"] != "mcp-server" || c["type"] != "access" || c["sub"] != "u-1" ||
		c["exp"].(float64)-c["iat"].(float64) != 15*60 || !hex32.MatchString(c["jti"].(string)) {
		t.Fatalf("issued claims = %v", c)
	}
	if !strings.Contains(r.Stderr, "ignores JWT_ACCESS_TOKEN_EXPIRE_MINUTES") || strings.Contains(r.Stdout+r.Stderr, e2eSecret) {
		t.Errorf("issue stderr:\n%s", r)
	}

	r = runDhmig(t, dir, env, "jwt", "verify", is.Token)
	mustCode(t, r, 0)
	for _, want := range []string{"status     valid", "iss        dhafnck-mcp", "aud        mcp-server"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("verify lacks %q:\n%s", want, r)
		}
	}

	// A refresh token: its own claims, valid as a refresh token only.
	// --target on the command line and the secret from .env this time.
	writeFile(t, dir+"/.env", "JWT_SECRET_KEY="+e2eSecret+"\n")
	r = runDhmig(t, dir, nil, "jwt", "issue", "--target", "dhafnck", "--type", "refresh", "--user-id", "u-1",
		"--family", "fam-7", "--version", "2")
	mustCode(t, r, 0)
	refresh := strings.TrimSpace(r.Stdout)
	r = runDhmig(t, dir, env, "jwt", "verify", "--type", "refresh", refresh)
	mustCode(t, r, 0)
	if !strings.Contains(r.Stdout, "family     fam-7") || !strings.Contains(r.Stdout, "version    2") {
		t.Errorf("refresh verify:\n%s", r)
	}
	r = runDhmig(t, dir, env, "jwt", "verify", refresh)
	mustCode(t, r, 7)
	if !strings.Contains(r.Stderr, `invalid claim: type claim is "refresh", not "access"`) {
		t.Errorf("refresh token as access:\n%s", r)
	}

	// A token issued for the guide target is refused: it names no issuer.
	r = runDhmig(t, dir, []string{"JWT_SECRET_KEY=" + e2eSecret}, "jwt", "issue", "--target", "guide", "--user-id", "u-1")
	mustCode(t, r, 0)
	guideTok := strings.TrimSpace(r.Stdout)
	r = runDhmig(t, dir, env, "jwt", "verify", guideTok)
	mustCode(t, r, 7)
	if !strings.Contains(r.Stdout, "status     invalid") || !strings.Contains(r.Stderr, "the iss claim is missing") {
		t.Errorf("guide token under dhafnck:\n%s", r)
	}
	// ... and the guide still takes it, and takes the dhafnck token too.
	for _, tok := range []string{guideTok, is.Token} {
		mustCode(t, runDhmig(t, dir, []string{"JWT_SECRET_KEY=" + e2eSecret, "DHMIG_TARGET=guide"}, "jwt", "verify", tok), 0)
	}

	// Correctly signed tokens the server refuses, each named by its claim;
	// the hostile issuer is printed escaped, never raw.
	soon := time.Now().Add(time.Hour).Unix()
	signed := func(drop string, change jwt.MapClaims) string {
		c := jwt.MapClaims{"sub": "u-1", "type": "access", "aud": "mcp-server", "iat": time.Now().Unix(), "exp": soon,
			"iss": "dhafnck-mcp", "jti": "0123456789abcdef0123456789abcdef"}
		delete(c, drop)
		for n, v := range change {
			c[n] = v
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(e2eSecret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, tc := range map[string]struct{ tok, want string }{
		"other issuer":   {signed("", jwt.MapClaims{"iss": "agenthub"}), `the iss claim is "agenthub", not "dhafnck-mcp"`},
		"hostile issuer": {signed("", jwt.MapClaims{"iss": "x\x1b[2J\u202e"}), `the iss claim is "x\x1b[2J\u202e"`},
		"no aud":         {signed("aud", nil), "the aud claim is missing"},
		"no sub":         {signed("sub", nil), "the sub claim (user id) is missing"},
		"no jti":         {signed("jti", nil), "the jti claim (token id) is missing"},
	} {
		r := runDhmig(t, dir, env, "jwt", "verify", tc.tok)
		mustCode(t, r, 7)
		mustNotDriveTerminal(t, "jwt verify "+name, r)
		if !strings.Contains(r.Stderr, tc.want) || strings.Contains(r.Stdout+r.Stderr, tc.tok) {
			t.Errorf("%s: want %q on stderr, and never the token:\n%s", name, tc.want, r)
		}
	}

	// What the server never does is a usage or configuration error.
	r = runDhmig(t, dir, append(env, "JWT_ALGORITHM=HS512"), "jwt", "verify", is.Token)
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "signs and checks HS256 only") {
		t.Errorf("HS512 under dhafnck:\n%s", r)
	}
	r = runDhmig(t, dir, []string{"JWT_SECRET_KEY=" + e2eSecret}, "jwt", "issue", "--type", "refresh", "--user-id", "u")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, `the guide target issues no "refresh" tokens`) || r.Stdout != "" {
		t.Errorf("refresh under guide:\n%s", r)
	}
}
