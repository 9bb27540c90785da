package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dhafnckmcp/dhmig/internal/pyclient"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

var (
	dh        = target.Dhafnck.JWT
	dhAccess  = mustKind(dh, "access")
	dhRefresh = mustKind(dh, "refresh")
	hex32     = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

func mustKind(j target.JWT, typ string) target.TokenKind {
	k, err := j.Kind(typ)
	if err != nil {
		panic(err)
	}
	return k
}

// payloadKeys are the claim names of a token's payload, in their order.
func payloadKeys(t *testing.T, tok string) []string {
	t.Helper()
	seg, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(seg))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func rawPayload(t *testing.T, tok string) map[string]any {
	t.Helper()
	m := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestIssueDhafnckAccess(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	is, err := IssueAs(k, dh, dhAccess, IssueOptions{UserID: "0b6f6f3e-4c1e-4d4b-9a57-5d1c0c3a2b11", Email: "ada@example.com",
		Roles: []string{"user", "admin"}, TTL: dhAccess.TTL, Now: t0.Add(300 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	// The server's create_access_token, key for key and in its order.
	if got := strings.Join(payloadKeys(t, is.Token), ","); got != "sub,email,roles,type,aud,iat,exp,iss,jti" {
		t.Fatalf("payload keys = %s", got)
	}
	m := rawPayload(t, is.Token)
	if m["aud"] != "mcp-server" || m["iss"] != "dhafnck-mcp" || m["type"] != "access" || m["email"] != "ada@example.com" {
		t.Fatalf("payload = %v", m)
	}
	if m["iat"] != float64(t0.Unix()) || m["exp"] != float64(t0.Add(15*time.Minute).Unix()) {
		t.Fatalf("iat %v exp %v: want whole seconds, 15 minutes apart", m["iat"], m["exp"])
	}
	if jti, _ := m["jti"].(string); !hex32.MatchString(jti) {
		t.Fatalf("jti %q is not secrets.token_hex(16)", jti)
	}
	if again, _ := IssueAs(k, dh, dhAccess, IssueOptions{UserID: "u", TTL: time.Minute, Now: t0}); again.Claims.ID == is.Claims.ID {
		t.Fatal("two tokens share a jti")
	}
	if v := VerifyAs(k, dh, dhAccess, is.Token, t0.Add(time.Minute)); v.Status != Valid {
		t.Fatalf("verify = %+v", v)
	}
}

func TestIssueDhafnckRefresh(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	is, err := IssueAs(k, dh, dhRefresh, IssueOptions{UserID: "u", Email: "ignored@example.com", Roles: []string{"admin"},
		TTL: dhRefresh.TTL, Now: t0, Version: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(payloadKeys(t, is.Token), ","); got != "sub,type,family,version,iat,exp,iss,jti" {
		t.Fatalf("payload keys = %s", got)
	}
	m := rawPayload(t, is.Token)
	if fam, _ := m["family"].(string); !hex32.MatchString(fam) || fam == m["jti"] {
		t.Fatalf("family %q must be a fresh token_hex(16)", fam)
	}
	if m["version"] != float64(3) || m["exp"] != float64(t0.Add(30*24*time.Hour).Unix()) {
		t.Fatalf("payload = %v", m)
	}
	given, err := IssueAs(k, dh, dhRefresh, IssueOptions{UserID: "u", TTL: time.Hour, Now: t0, Family: "fam-1"})
	if err != nil {
		t.Fatal(err)
	}
	if m := rawPayload(t, given.Token); m["family"] != "fam-1" || m["version"] != float64(0) {
		t.Fatalf("family and version given: %v", m)
	}
	v := VerifyAs(k, dh, dhRefresh, is.Token, t0.Add(time.Hour))
	if v.Status != Valid || v.Claims.Family != m["family"] || v.Claims.Version == nil || *v.Claims.Version != 3 {
		t.Fatalf("verify = %+v", v)
	}
}

// The guide's token is what it was: the Claims struct as json.Marshal
// writes it, byte for byte, and a JSON report shows the same object.
func TestGuidePayloadUnchanged(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	is, err := Issue(k, IssueOptions{UserID: "u<1>", Email: "a&b@example.com", TTL: time.Minute, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(is.Claims)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := base64.RawURLEncoding.DecodeString(strings.Split(is.Token, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(seg, want) {
		t.Fatalf("payload\n%s\nwant\n%s", seg, want)
	}
	var shown, typed bytes.Buffer
	for _, c := range []struct {
		w *bytes.Buffer
		v any
	}{{&shown, is.Payload}, {&typed, is.Claims}} {
		enc := json.NewEncoder(c.w)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c.v); err != nil {
			t.Fatal(err)
		}
	}
	if shown.String() != typed.String() {
		t.Fatalf("report shows\n%s\nwant\n%s", shown.String(), typed.String())
	}
}

func TestVerifyDhafnckClaims(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	exp := t0.Add(time.Hour).Unix()
	signed := func(c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(k.Method, c).SignedString(k.sign)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	access := func(change jwt.MapClaims, drop ...string) string {
		c := jwt.MapClaims{"sub": "u", "email": "a@example.com", "roles": []string{"user"}, "type": "access",
			"aud": "mcp-server", "iat": t0.Unix(), "exp": exp, "iss": "dhafnck-mcp", "jti": "0123456789abcdef0123456789abcdef"}
		for n, v := range change {
			c[n] = v
		}
		for _, n := range drop {
			delete(c, n)
		}
		return signed(c)
	}
	refresh := func(change jwt.MapClaims, drop ...string) string {
		c := jwt.MapClaims{"sub": "u", "type": "refresh", "family": "fedcba9876543210fedcba9876543210", "version": 0,
			"iat": t0.Unix(), "exp": exp, "iss": "dhafnck-mcp", "jti": "0123456789abcdef0123456789abcdef"}
		for n, v := range change {
			c[n] = v
		}
		for _, n := range drop {
			delete(c, n)
		}
		return signed(c)
	}
	guideTok := issue(t, k, t0).Token
	evil := "dhafnck-mcp\x1b[2K\r" + strings.Repeat("x", 200)

	tests := []struct {
		name   string
		tok    string
		kind   target.TokenKind
		want   Status
		reason string
	}{
		{"access", access(nil), dhAccess, Valid, "expires"},
		{"aud as a list", access(jwt.MapClaims{"aud": []string{"other", "mcp-server"}}), dhAccess, Valid, "expires"},
		{"refresh", refresh(nil), dhRefresh, Valid, "expires"},
		{"a guide token", guideTok, dhAccess, Invalid, `the iss claim is missing: the target's tokens are issued by "dhafnck-mcp"`},
		{"another issuer", access(jwt.MapClaims{"iss": "agenthub"}), dhAccess, Invalid, `the iss claim is "agenthub", not "dhafnck-mcp"`},
		{"numeric issuer", access(jwt.MapClaims{"iss": 7}), dhAccess, Invalid, "the iss claim must be a string, not a number"},
		{"no aud", access(nil, "aud"), dhAccess, Invalid, `the aud claim is missing: the target's access tokens are for audience "mcp-server"`},
		{"Supabase aud", access(jwt.MapClaims{"aud": "authenticated"}), dhAccess, Invalid, `the aud claim is "authenticated", not "mcp-server"`},
		{"aud an object", access(jwt.MapClaims{"aud": map[string]any{}}), dhAccess, Invalid, "the aud claim must be a string or a list of strings, not an object"},
		{"refresh checked as access", refresh(nil), dhAccess, Invalid, `type claim is "refresh", not "access": one of the target's refresh tokens, to verify as type refresh`},
		{"access checked as refresh", access(nil), dhRefresh, Invalid, `type claim is "access", not "refresh": one of the target's access tokens`},
		{"api token", access(jwt.MapClaims{"type": "api_token"}), dhAccess, Invalid, `type claim is "api_token", not "access"`},
		{"no type", access(nil, "type"), dhAccess, Invalid, `type claim is "", not "access"`},
		{"no sub", access(nil, "sub"), dhAccess, Invalid, "the sub claim (user id) is missing"},
		{"no jti", access(nil, "jti"), dhAccess, Invalid, "the jti claim (token id) is missing"},
		{"refresh without family", refresh(nil, "family"), dhRefresh, Invalid, "the family claim (refresh token family) is missing"},
		{"refresh without version", refresh(nil, "version"), dhRefresh, Invalid, "the version claim (refresh token version) is missing"},
		{"string version", refresh(jwt.MapClaims{"version": "1"}), dhRefresh, Invalid, "the version claim must be a whole number, not a string"},
		{"expired, other issuer", access(jwt.MapClaims{"iss": "agenthub", "exp": t0.Add(-time.Minute).Unix()}), dhAccess, Expired, "expired at"},
		{"hostile issuer", access(jwt.MapClaims{"iss": evil}), dhAccess, Invalid, `the iss claim is "dhafnck-mcp\x1b[2K\r`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := VerifyAs(k, dh, tt.kind, tt.tok, t0)
			if v.Status != tt.want || !v.SignatureVerified {
				t.Fatalf("got %s (%s), want %s", v.Status, v.Reason, tt.want)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", v.Reason, tt.reason)
			}
			if err := v.Err(); errors.Is(err, ErrInvalidClaims) != (tt.want == Invalid) {
				t.Errorf("Err() = %v", err)
			}
			// A reason quotes untrusted text escaped and cut short.
			if strings.ContainsAny(v.Reason, "\x1b\r") || len(v.Reason) > 250 {
				t.Errorf("reason carries raw control characters or the whole claim: %q", v.Reason)
			}
		})
	}

	// The guide target reads none of this: a dhafnck token is a valid guide
	// access token, as it was before targets existed.
	if v := Verify(k, access(nil), t0); v.Status != Valid || v.Claims.Issuer != "" {
		t.Fatalf("guide verify of a dhafnck token = %+v", v)
	}
}

func TestDhafnckAlgorithmIsFixed(t *testing.T) {
	if _, err := LoadKeysFor(dh, KeyOptions{Algorithm: "HS512", Secret: secret}); !errors.Is(err, ErrKey) ||
		!strings.Contains(err.Error(), "signs and checks HS256 only") {
		t.Fatalf("HS512 for dhafnck: %v", err)
	}
	if _, err := LoadKeysFor(dh, KeyOptions{Algorithm: "hs256", Secret: secret}); err != nil {
		t.Fatalf("hs256 for dhafnck: %v", err)
	}
	if _, err := LoadKeysFor(target.Guide.JWT, KeyOptions{Algorithm: "HS512", Secret: secret}); err != nil {
		t.Fatalf("HS512 for the guide: %v", err)
	}
	if _, err := IssueAs(hmacKeys(t, "HS384", secret), dh, dhAccess, IssueOptions{UserID: "u", TTL: time.Minute}); !errors.Is(err, ErrKey) {
		t.Fatalf("issuing HS384 for dhafnck: %v", err)
	}
}

// pyJWT finds a Python with PyJWT (Debian's python3-jwt).
func pyJWT(t *testing.T) string {
	t.Helper()
	return pyclient.Find(t, "jwt")
}

// TestDhafnckAgainstPyJWT holds dhmig to the server's own check, PyJWT
// with the issuer and audience the server passes: what dhmig issues, the
// server accepts; what the server issues, dhmig accepts; the tokens dhmig
// calls invalid for their issuer, audience or type, the server refuses.
func TestDhafnckAgainstPyJWT(t *testing.T) {
	py := pyJWT(t)
	k := hmacKeys(t, "HS256", secret)
	now := time.Now()
	mk := func(kind target.TokenKind, o IssueOptions) string {
		o.UserID = "u"
		if o.Now.IsZero() {
			o.Now = now
		}
		if o.TTL == 0 {
			o.TTL = kind.TTL
		}
		is, err := IssueAs(k, dh, kind, o)
		if err != nil {
			t.Fatal(err)
		}
		return is.Token
	}
	signed := func(c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(k.Method, c).SignedString(k.sign)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	exp := now.Add(time.Hour).Unix()
	type check struct {
		Token string `json:"token"`
		Type  string `json:"type"`
	}
	checks := []struct {
		check
		dhmig Status
		app   string
	}{
		{check{mk(dhAccess, IssueOptions{Email: "a@example.com"}), "access"}, Valid, "ok"},
		{check{mk(dhRefresh, IssueOptions{Version: 2}), "refresh"}, Valid, "ok"},
		{check{issue(t, k, now).Token, "access"}, Invalid, "MissingRequiredClaimError"},
		{check{signed(jwt.MapClaims{"sub": "u", "type": "access", "aud": "mcp-server", "exp": exp, "iss": "agenthub", "jti": "j"}), "access"}, Invalid, "InvalidIssuerError"},
		{check{signed(jwt.MapClaims{"sub": "u", "type": "access", "aud": "authenticated", "exp": exp, "iss": "dhafnck-mcp", "jti": "j"}), "access"}, Invalid, "InvalidAudienceError"},
		{check{mk(dhRefresh, IssueOptions{}), "access"}, Invalid, "MissingRequiredClaimError"},
		{check{mk(dhAccess, IssueOptions{}), "refresh"}, Invalid, "TypeMismatch"},
		{check{mk(dhAccess, IssueOptions{Now: now.Add(-2 * time.Hour), TTL: time.Hour}), "access"}, Expired, "ExpiredSignatureError"},
	}
	var req struct {
		Secret string  `json:"secret"`
		Checks []check `json:"checks"`
	}
	req.Secret = string(secret)
	for _, c := range checks {
		req.Checks = append(req.Checks, c.check)
	}
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "testdata/dhafnck_pyjwt.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var res struct {
		Verdicts []string            `json:"verdicts"`
		Issued   map[string]string   `json:"issued"`
		Order    map[string][]string `json:"order"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python answered %s: %v", out, err)
	}
	for i, c := range checks {
		kind := mustKind(dh, c.Type)
		if got := res.Verdicts[i]; got != c.app {
			t.Errorf("check %d (%s): the server says %s, want %s", i, c.Type, got, c.app)
		}
		if v := VerifyAs(k, dh, kind, c.Token, time.Now()); v.Status != c.dhmig {
			t.Errorf("check %d (%s): dhmig says %s (%s), want %s", i, c.Type, v.Status, v.Reason, c.dhmig)
		}
	}
	for typ, tok := range res.Issued {
		if v := VerifyAs(k, dh, mustKind(dh, typ), tok, time.Now()); v.Status != Valid {
			t.Errorf("the server's own %s token: dhmig says %s (%s)", typ, v.Status, v.Reason)
		}
		if got, want := payloadKeys(t, tok), res.Order[typ]; !slices.Equal(got, want) {
			t.Errorf("%s claims: the server writes %v, dhmig %v", typ, got, want)
		}
	}
}
