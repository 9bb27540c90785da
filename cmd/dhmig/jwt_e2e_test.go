package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const e2eSecret = "e2e-Zq3vT8yLw1Hn5Rk0Pb7Xc2Ms9Gd4Fj6Aa-Ue1Io0Kt8Yp3Wl5Nr7Qs2Vx4Bz6Cm"

type jwtVerifyDoc struct {
	Status            string `json:"status"`
	Valid             bool   `json:"valid"`
	SignatureVerified bool   `json:"signature_verified"`
	Claims            struct {
		Sub   string   `json:"sub"`
		Email string   `json:"email"`
		Roles []string `json:"roles"`
		Type  string   `json:"type"`
		Iat   int64    `json:"iat"`
		Exp   int64    `json:"exp"`
		Jti   string   `json:"jti"`
	} `json:"claims"`
}

func jwtVerifyJSON(t *testing.T, dir string, env []string, tok string, code int) jwtVerifyDoc {
	t.Helper()
	r := runDhmig(t, dir, env, "jwt", "verify", tok, "-o", "json")
	mustCode(t, r, code)
	var v jwtVerifyDoc
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("stdout must be one JSON document: %v\n%s", err, r)
	}
	if strings.Contains(r.Stdout+r.Stderr, e2eSecret) {
		t.Fatal("jwt verify printed the secret")
	}
	return v
}

func TestJWTIssueVerifyE2E(t *testing.T) {
	dir := t.TempDir()
	env := []string{"JWT_SECRET_KEY=" + e2eSecret, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES=20"}

	r := runDhmig(t, dir, env, "jwt", "issue", "--user-id", "test-user", "--email", "test@example.com", "--roles", "user,admin")
	mustCode(t, r, 0)
	tok := strings.TrimSpace(r.Stdout)
	if strings.Count(tok, ".") != 2 || strings.Contains(r.Stdout+r.Stderr, e2eSecret) {
		t.Fatalf("issue output:\n%s", r)
	}

	v := jwtVerifyJSON(t, dir, env, tok, 0)
	c := v.Claims
	if v.Status != "valid" || !v.Valid || !v.SignatureVerified || c.Sub != "test-user" || c.Email != "test@example.com" ||
		strings.Join(c.Roles, ",") != "user,admin" || c.Type != "access" || c.Exp-c.Iat != 20*60 || len(c.Jti) != 36 {
		t.Fatalf("verify = %+v", v)
	}

	// Table output and the token on stdin.
	r = runDhmigStdin(t, dir, env, tok+"\n", "jwt", "verify", "-")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stdout, "status     valid") || !strings.Contains(r.Stdout, "sub        test-user") {
		t.Errorf("table verify:\n%s", r)
	}

	// One character of the signature changed: forged, exit 3.
	i := len(tok) - 10
	repl := byte('A')
	if tok[i] == 'A' {
		repl = 'B'
	}
	forged := tok[:i] + string(repl) + tok[i+1:]
	v = jwtVerifyJSON(t, dir, env, forged, 3)
	if v.Status != "forged" || v.Valid || v.SignatureVerified || v.Claims.Sub != "test-user" {
		t.Fatalf("forged = %+v", v)
	}
	r = runDhmig(t, dir, env, "jwt", "verify", forged)
	mustCode(t, r, 3)
	if !strings.Contains(r.Stdout, "status     forged") || !strings.Contains(r.Stdout, "NOT verified") ||
		!strings.Contains(r.Stderr, "token is not valid: forged") {
		t.Errorf("forged, table:\n%s", r)
	}

	// A token of another installation (another secret) is forged too.
	other := []string{"JWT_SECRET_KEY=other-" + e2eSecret}
	r = runDhmig(t, dir, other, "jwt", "issue", "--user-id", "u")
	mustCode(t, r, 0)
	if v := jwtVerifyJSON(t, dir, env, strings.TrimSpace(r.Stdout), 3); v.Status != "forged" {
		t.Fatalf("other secret = %+v", v)
	}

	// An expired token, signed by the app with the same secret an hour ago.
	past := time.Now().Add(-time.Hour)
	expired, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "test-user", "email": "test@example.com", "roles": []string{"user"}, "type": "access",
		"iat": past.Unix(), "exp": past.Add(15 * time.Minute).Unix(), "jti": "00000000-0000-4000-8000-000000000000",
	}).SignedString([]byte(e2eSecret))
	if err != nil {
		t.Fatal(err)
	}
	v = jwtVerifyJSON(t, dir, env, expired, 6)
	if v.Status != "expired" || v.Valid || !v.SignatureVerified {
		t.Fatalf("expired = %+v", v)
	}

	// Signed with the right secret, claims PyJWT rejects: invalid, exit 7,
	// never "forged".
	signed := func(header map[string]any, claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		for h, val := range header {
			tok.Header[h] = val
		}
		s, err := tok.SignedString([]byte(e2eSecret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	soon := time.Now().Add(time.Hour).Unix()
	for name, tok := range map[string]string{
		"string exp":  signed(nil, jwt.MapClaims{"sub": "u", "type": "access", "exp": fmt.Sprint(soon)}),
		"numeric sub": signed(nil, jwt.MapClaims{"sub": 42, "type": "access", "exp": soon}),
		"crit header": signed(map[string]any{"crit": []string{"b64"}}, jwt.MapClaims{"sub": "u", "type": "access", "exp": soon}),
	} {
		r := runDhmig(t, dir, env, "jwt", "verify", tok)
		mustCode(t, r, 7)
		if !strings.Contains(r.Stdout, "status     invalid") || strings.Contains(r.Stdout+r.Stderr, "forged") ||
			!strings.Contains(r.Stderr, "invalid claim") {
			t.Errorf("%s:\n%s", name, r)
		}
	}
	// exp=1e300: PyJWT accepts it; the table shows no nonsense date.
	r = runDhmig(t, dir, env, "jwt", "verify", signed(nil, jwt.MapClaims{"sub": "u", "type": "access", "exp": 1e300}))
	mustCode(t, r, 0)
	if !strings.Contains(r.Stdout, "exp        after the year 9999 (exp 1e+300)") {
		t.Errorf("exp 1e300:\n%s", r)
	}
}

func TestJWTConfigErrorsE2E(t *testing.T) {
	dir := t.TempDir()
	r := runDhmig(t, dir, nil, "jwt", "issue", "--user-id", "u")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "HS256 needs JWT_SECRET_KEY") {
		t.Errorf("no secret:\n%s", r)
	}
	r = runDhmig(t, dir, []string{"JWT_SECRET_KEY=" + e2eSecret, "JWT_ALGORITHM=none"}, "jwt", "verify", "a.b.c")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, `algorithm "none" is not supported`) {
		t.Errorf("alg none:\n%s", r)
	}
	r = runDhmig(t, dir, []string{"JWT_SECRET_KEY=" + e2eSecret}, "jwt", "issue")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "user-id") {
		t.Errorf("missing --user-id:\n%s", r)
	}
	// A secret config check rates an error signs nothing: exit 2, no token,
	// the secret not echoed.
	for _, weak := range []string{"your_super_secret_jwt_key_change_this_in_production",
		strings.Repeat("Password1", 4), "qwertyuiopasdfghjklzxcvbnmqwertyuiop"} {
		r = runDhmig(t, dir, []string{"JWT_SECRET_KEY=" + weak}, "jwt", "issue", "--user-id", "u")
		mustCode(t, r, 2)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "JWT_SECRET_KEY") || strings.Contains(r.Stdout+r.Stderr, weak) {
			t.Errorf("weak secret %.12s…:\n%s", weak, r)
		}
	}
}

// runDhmigStdin is runDhmig with the given standard input.
func runDhmigStdin(t *testing.T, dir string, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(dhmigBin, args...)
	cmd.Dir = dir
	cmd.Env = append(baseEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}
