package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef-test-secret")
	t0     = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
)

func hmacKeys(t *testing.T, alg string, s []byte) Keys {
	t.Helper()
	k, err := LoadKeys(KeyOptions{Algorithm: alg, Secret: s})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func issue(t *testing.T, k Keys, now time.Time) Issued {
	t.Helper()
	is, err := Issue(k, IssueOptions{UserID: "user-1", Email: "ada@example.com", Roles: []string{"user", "admin"}, TTL: 15 * time.Minute, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func TestIssueClaims(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	is := issue(t, k, t0.Add(500*time.Millisecond))
	c := is.Claims
	if c.Subject != "user-1" || c.Email != "ada@example.com" || !slices.Equal(c.Roles, []string{"user", "admin"}) || c.Type != "access" {
		t.Fatalf("claims = %+v", c)
	}
	if !c.IssuedAt.Equal(t0) || !c.ExpiresAt.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("iat %v exp %v", c.IssuedAt, c.ExpiresAt)
	}
	if len(c.ID) != 36 {
		t.Fatalf("jti %q is not a UUID", c.ID)
	}
	if is2 := issue(t, k, t0); is2.Claims.ID == c.ID {
		t.Fatal("two tokens share a jti")
	}
	// The raw payload carries exactly the app's claim names.
	m := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(is.Token, m); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	if got := strings.Join(names, ","); got != "email,exp,iat,jti,roles,sub,type" {
		t.Fatalf("claim names = %s", got)
	}
}

func TestIssueDefaultsAndErrors(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	is, err := Issue(k, IssueOptions{UserID: "u", TTL: time.Minute, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(is.Claims.Roles, []string{"user"}) {
		t.Errorf("default roles = %v", is.Claims.Roles)
	}
	if _, err := Issue(k, IssueOptions{TTL: time.Minute}); err == nil || !strings.Contains(err.Error(), "user id") {
		t.Errorf("missing user id: %v", err)
	}
	if _, err := Issue(k, IssueOptions{UserID: "u"}); err == nil || !strings.Contains(err.Error(), "lifetime") {
		t.Errorf("zero TTL: %v", err)
	}
}

func TestVerifyVerdicts(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	good := issue(t, k, t0).Token
	parts := strings.Split(good, ".")
	sig := []byte(parts[2])
	sig[len(sig)/2] = flip(sig[len(sig)/2])
	forgedSig := parts[0] + "." + parts[1] + "." + string(sig)
	// The last character of an HS256 signature holds two padding bits that
	// a lenient decoder ignores; strict decoding must still catch it.
	last := []byte(parts[2])
	last[len(last)-1] = flip(last[len(last)-1])
	forgedLast := parts[0] + "." + parts[1] + "." + string(last)
	other := issue(t, hmacKeys(t, "HS256", []byte("another-secret-of-at-least-32-bytes!!")), t0).Token
	hs512 := issue(t, hmacKeys(t, "HS512", secret), t0).Token
	payload := []byte(parts[1])
	payload[3] = flip(payload[3])
	forgedPayload := parts[0] + "." + string(payload) + "." + parts[2]
	noneTok, err := jwt.NewWithClaims(jwt.SigningMethodNone, Claims{Type: "access", RegisteredClaims: jwt.RegisteredClaims{Subject: "x", ExpiresAt: jwt.NewNumericDate(t0.Add(time.Hour))}}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	refresh := sign(t, k, Claims{Type: "refresh", RegisteredClaims: jwt.RegisteredClaims{Subject: "u", ExpiresAt: jwt.NewNumericDate(t0.Add(time.Hour))}})
	noExp := sign(t, k, Claims{Type: "access", RegisteredClaims: jwt.RegisteredClaims{Subject: "u"}})

	// Claims PyJWT rejects or reads otherwise, signed with the right key.
	exp := t0.Add(time.Hour).Unix()
	raw := func(header map[string]any, claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(k.Method, claims)
		for h, v := range header {
			tok.Header[h] = v
		}
		s, err := tok.SignedString(k.sign)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	access := func(extra jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{"sub": "u", "type": "access", "iat": t0.Unix(), "exp": exp}
		for n, v := range extra {
			c[n] = v
		}
		return c
	}
	stringExp := raw(nil, access(jwt.MapClaims{"exp": fmt.Sprint(exp)}))
	boolExp := raw(nil, access(jwt.MapClaims{"exp": true}))
	stringIat := raw(nil, access(jwt.MapClaims{"iat": fmt.Sprint(t0.Unix())}))
	numericSub := raw(nil, access(jwt.MapClaims{"sub": 42}))
	numericJti := raw(nil, access(jwt.MapClaims{"jti": 7}))
	crit := raw(map[string]any{"crit": []string{"exp-v2"}, "exp-v2": true}, access(nil))
	farExp := raw(nil, access(jwt.MapClaims{"exp": 1e300}))
	floatExp := raw(nil, access(jwt.MapClaims{"exp": float64(exp) + 0.5}))

	tests := []struct {
		name     string
		tok      string
		now      time.Time
		want     Status
		verified bool
		reason   string
	}{
		{"string exp", stringExp, t0, Invalid, true, "exp claim must be a number"},
		{"boolean exp", boolExp, t0, Invalid, true, "exp claim must be a number (seconds since 1970), not a boolean"},
		{"string iat", stringIat, t0, Invalid, true, "iat claim must be a number"},
		{"numeric sub", numericSub, t0, Invalid, true, "sub claim must be a string, not a number"},
		{"numeric jti", numericJti, t0, Invalid, true, "jti claim must be a string"},
		{"unknown crit header", crit, t0, Invalid, true, "crit"},
		{"exp 1e300", farExp, t0, Valid, true, "after the year 9999 (exp 1e+300)"},
		{"fractional exp", floatExp, t0, Valid, true, "expires 2025-03-01T13:00:00Z"},
		{"fractional exp passed", floatExp, t0.Add(time.Hour + 600*time.Millisecond), Expired, true, "expired at 2025-03-01T13:00:00Z"},
		{"fresh", good, t0.Add(time.Minute), Valid, true, "expires 2025-03-01T12:15:00Z"},
		{"expired", good, t0.Add(16 * time.Minute), Expired, true, "expired at 2025-03-01T12:15:00Z, 1m0s before"},
		{"signature char changed", forgedSig, t0, Forged, false, "altered"},
		{"last signature char changed", forgedLast, t0, Forged, false, "altered"},
		{"payload char changed", forgedPayload, t0, Forged, false, "altered"},
		{"other secret", other, t0, Forged, false, "does not verify with the configured HS256 key"},
		{"other algorithm", hs512, t0, Forged, false, "signed with HS512, but the configured algorithm is HS256"},
		{"alg none", noneTok, t0, Forged, false, "signed with none"},
		{"not a jwt", "hello", t0, Malformed, false, "three base64url parts"},
		{"refresh token", refresh, t0, Invalid, true, `type claim is "refresh"`},
		{"no exp", noExp, t0, Invalid, true, "exp claim is missing"},
		{"issued in the future", good, t0.Add(-time.Hour), Invalid, true, "in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(k, tt.tok, tt.now)
			if v.Status != tt.want || v.SignatureVerified != tt.verified || v.Valid != (tt.want == Valid) {
				t.Fatalf("got %+v, want %s (verified %v)", v, tt.want, tt.verified)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", v.Reason, tt.reason)
			}
			if err := v.Err(); (err == nil) != (tt.want == Valid) || (err != nil && !errors.Is(err, ErrNotValid)) {
				t.Errorf("Err() = %v", err)
			}
			err := v.Err()
			if errors.Is(err, ErrExpired) != (tt.want == Expired) || errors.Is(err, ErrInvalidClaims) != (tt.want == Invalid) {
				t.Errorf("Err() = %v: its class does not match the verdict %s", err, tt.want)
			}
		})
	}
}

func TestVerifyShowsUnverifiedClaimsOfForgedToken(t *testing.T) {
	k := hmacKeys(t, "HS256", secret)
	other := issue(t, hmacKeys(t, "HS256", []byte("another-secret-of-at-least-32-bytes!!")), t0).Token
	v := Verify(k, other, t0)
	if v.Claims == nil || v.Claims.Subject != "user-1" || v.SignatureVerified {
		t.Fatalf("forged token claims = %+v", v)
	}
}

func TestKeyFileAlgorithms(t *testing.T) {
	dir := t.TempDir()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPriv, rsaPub := writeKeyPair(t, dir, "rsa", rsaKey, &rsaKey.PublicKey)
	ecPriv, ecPub := writeKeyPair(t, dir, "ec", ecKey, &ecKey.PublicKey)

	for _, tc := range []struct{ alg, priv, pub string }{{"RS256", rsaPriv, rsaPub}, {"ES256", ecPriv, ecPub}} {
		t.Run(tc.alg, func(t *testing.T) {
			k, err := LoadKeys(KeyOptions{Algorithm: tc.alg, PrivateKeyPath: tc.priv, PublicKeyPath: tc.pub})
			if err != nil {
				t.Fatal(err)
			}
			is := issue(t, k, t0)
			if v := Verify(k, is.Token, t0); v.Status != Valid {
				t.Fatalf("verify = %+v", v)
			}
			pubOnly, err := LoadKeys(KeyOptions{Algorithm: tc.alg, PublicKeyPath: tc.pub})
			if err != nil {
				t.Fatal(err)
			}
			if v := Verify(pubOnly, is.Token, t0); v.Status != Valid {
				t.Fatalf("verify with the public key only = %+v", v)
			}
			if _, err := Issue(pubOnly, IssueOptions{UserID: "u", TTL: time.Minute}); !errors.Is(err, ErrKey) {
				t.Fatalf("signing without a private key: %v", err)
			}
		})
	}

	bad := []struct {
		name string
		o    KeyOptions
		want string
	}{
		{"unsupported", KeyOptions{Algorithm: "PS256", Secret: secret}, `algorithm "PS256" is not supported`},
		{"none", KeyOptions{Algorithm: "none", Secret: secret}, "not supported"},
		{"no secret", KeyOptions{Algorithm: "HS256"}, "HS256 needs JWT_SECRET_KEY"},
		{"no public key", KeyOptions{Algorithm: "RS256", PrivateKeyPath: rsaPriv}, "RS256 needs JWT_PUBLIC_KEY_PATH"},
		{"missing file", KeyOptions{Algorithm: "RS256", PublicKeyPath: filepath.Join(dir, "nope.pem")}, "no such file"},
		{"wrong key type", KeyOptions{Algorithm: "RS256", PublicKeyPath: ecPub}, "is not a RSA key for RS256"},
		{"wrong curve", KeyOptions{Algorithm: "ES384", PublicKeyPath: ecPub, PrivateKeyPath: ecPriv}, "256-bit curve, ES384 needs 384 bits"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadKeys(tc.o)
			if !errors.Is(err, ErrKey) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func writeKeyPair(t *testing.T, dir, name string, priv, pub any) (string, string) {
	t.Helper()
	pk, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	privPath, pubPath := filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pub")
	for path, block := range map[string]*pem.Block{privPath: {Type: "PRIVATE KEY", Bytes: pk}, pubPath: {Type: "PUBLIC KEY", Bytes: pb}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return privPath, pubPath
}

func sign(t *testing.T, k Keys, c Claims) string {
	t.Helper()
	c.IssuedAt = jwt.NewNumericDate(t0)
	s, err := jwt.NewWithClaims(k.Method, c).SignedString(k.sign)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// flip changes a base64url character into another one.
func flip(b byte) byte {
	if b == 'A' {
		return 'B'
	}
	return 'A'
}
