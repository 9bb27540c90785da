package token

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// ErrNotValid means a token did not verify: forged, not a JWT, expired, or
// with claims the app rejects. ErrExpired and ErrInvalidClaims wrap it, so
// that a caller can tell a token signed with the right key apart from one
// that cannot be trusted at all.
var ErrNotValid = errors.New("token is not valid")

// ErrExpired: the signature verifies, exp has passed.
var ErrExpired = fmt.Errorf("%w: expired", ErrNotValid)

// ErrInvalidClaims: the signature verifies, the claims or header are not
// those of a token the app accepts.
var ErrInvalidClaims = fmt.Errorf("%w: invalid claim", ErrNotValid)

// Status is the verdict on a token.
type Status string

// The verdicts of Verify.
const (
	// Valid: the signature verifies with the configured key and the claims
	// are current and of an access token.
	Valid Status = "valid"
	// Expired: the signature verifies but exp has passed.
	Expired Status = "expired"
	// Forged: the token has three parts but its signature does not verify
	// with the configured key and algorithm (tampered, or signed elsewhere).
	Forged Status = "forged"
	// Malformed: not a JWT at all.
	Malformed Status = "malformed"
	// Invalid: the signature verifies but the claims are not those of a
	// usable access token (missing exp or sub, wrong type, issued in the future).
	Invalid Status = "invalid"
)

// Verification is what Verify found. Claims are present whenever they could
// be decoded; SignatureVerified says whether they can be trusted.
type Verification struct {
	Status            Status  `json:"status"`
	Valid             bool    `json:"valid"`
	Reason            string  `json:"reason"`
	Algorithm         string  `json:"algorithm"`
	SignatureVerified bool    `json:"signature_verified"`
	Claims            *Claims `json:"claims,omitempty"`
	// Expires is exp for people: a date, or what exp means when it is past
	// the dates a table can print (JSON carries exp itself).
	Expires string `json:"-"`
}

// Err is nil for a valid token; otherwise it wraps ErrExpired,
// ErrInvalidClaims, or ErrNotValid alone (forged, malformed).
func (v Verification) Err() error {
	switch {
	case v.Valid:
		return nil
	case v.Status == Expired:
		return fmt.Errorf("%w: %s", ErrExpired, v.Reason)
	case v.Status == Invalid:
		return fmt.Errorf("%w: %s", ErrInvalidClaims, v.Reason)
	}
	return fmt.Errorf("%w: %s: %s", ErrNotValid, v.Status, v.Reason)
}

// Verify checks a token as an access token of the guide target; see
// VerifyAs.
func Verify(k Keys, raw string, now time.Time) Verification {
	g := target.Guide.JWT
	return VerifyAs(k, g, g.Kinds[0], raw, now)
}

// VerifyAs checks a token as a token of the given kind of a target, with
// keys from LoadKeysFor, at time now (zero means time.Now()), as the app's
// library, PyJWT, does. Only the configured algorithm is accepted and
// base64 is decoded strictly (so no character of the signature can change
// unnoticed). The signature is checked before any
// claim, so that a claim of the wrong type in a correctly signed token is
// an invalid claim, not a forgery. Then, like PyJWT: a crit header naming
// any extension is rejected (none is understood); exp is required and,
// like iat and nbf, must be a JSON number; sub and jti must be strings.
// Last, the target's claims: iss and aud when it sets them, the kind's
// type, and the kind's required claims.
func VerifyAs(k Keys, rules target.JWT, kind target.TokenKind, raw string, now time.Time) Verification {
	if now.IsZero() {
		now = time.Now()
	}
	raw = strings.TrimSpace(raw)
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{k.Algorithm()}),
		jwt.WithStrictDecoding(),
		jwt.WithJSONNumber(),
		jwt.WithoutClaimsValidation(),
	)
	mc := jwt.MapClaims{}
	tok, err := p.ParseWithClaims(raw, mc, func(*jwt.Token) (any, error) { return k.verify, nil })
	v := Verification{Algorithm: k.Algorithm()}
	if tok != nil && tok.Method != nil {
		v.Algorithm = tok.Method.Alg()
	}
	switch {
	case err == nil:
	case tok == nil:
		v.Status, v.Reason = Malformed, "not a JWT: it must be three base64url parts joined by dots"
		return v
	default:
		v.Status, v.Reason = Forged, forgedReason(k, v.Algorithm, err)
		v.Claims = unverifiedClaims(raw, rules)
		return v
	}
	v.SignatureVerified = true
	c, exp, reason := readClaims(tok.Header, mc, rules)
	v.Claims = c
	if _, ok := mc["exp"]; ok && reason == "" {
		v.Expires = expiryText(c, exp)
	}
	if reason != "" {
		v.Status, v.Reason = Invalid, reason
		return v
	}
	if v = checkTimes(v, mc, exp, now); v.Status != "" {
		return v
	}
	return checkClaims(v, rules, kind, mc, exp)
}

// maxDisplayExp is the last second a date can be printed for (9999-12-31).
const maxDisplayExp = 253402300799

// readClaims reads a verified token's claims with PyJWT's type rules; a
// non-empty reason rejects them. exp is returned as seconds (float64, as
// PyJWT compares it), which also holds values no time.Time can.
func readClaims(header map[string]any, mc jwt.MapClaims, rules target.JWT) (*Claims, float64, string) {
	c := &Claims{}
	if _, ok := header["crit"]; ok {
		return c, 0, "the header marks extensions critical (crit): dhmig, like the app, understands none, so the token must be rejected"
	}
	str := func(name string, dst *string) string {
		val, ok := mc[name]
		if !ok {
			return ""
		}
		s, ok := val.(string)
		if !ok {
			return fmt.Sprintf("the %s claim must be a string, not %s", name, describe(val))
		}
		*dst = s
		return ""
	}
	for _, r := range []string{str("sub", &c.Subject), str("jti", &c.ID), str("email", &c.Email), str("type", &c.Type)} {
		if r != "" {
			return c, 0, r
		}
	}
	// The claims only some targets write are read where they are expected,
	// so that a target's report shows what its application reads.
	if r := readTargetClaims(c, mc, rules); r != "" {
		return c, 0, r
	}
	if roles, ok := mc["roles"].([]any); ok {
		for _, r := range roles {
			if s, ok := r.(string); ok {
				c.Roles = append(c.Roles, s)
			}
		}
	}
	var exp float64
	for _, name := range []string{"exp", "iat", "nbf"} {
		val, ok := mc[name]
		if !ok {
			continue
		}
		n, isNum := val.(json.Number)
		f, err := n.Float64()
		if !isNum || err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return c, 0, fmt.Sprintf("the %s claim must be a number (seconds since 1970), not %s", name, describe(val))
		}
		var d *jwt.NumericDate
		if math.Abs(f) <= maxDisplayExp {
			sec, frac := math.Modf(f)
			d = jwt.NewNumericDate(time.Unix(int64(sec), int64(frac*1e9)))
		}
		switch name {
		case "exp":
			exp, c.ExpiresAt = f, d
		case "iat":
			c.IssuedAt = d
		case "nbf":
			c.NotBefore = d
		}
	}
	return c, exp, ""
}

// checkTimes sets a verdict when exp, iat or nbf refuse the token, and
// leaves the status empty when they do not.
func checkTimes(v Verification, mc jwt.MapClaims, exp float64, now time.Time) Verification {
	c := v.Claims
	nowS := float64(now.UnixNano()) / 1e9
	if _, ok := mc["exp"]; !ok {
		v.Status, v.Reason = Invalid, "the exp claim is missing: the app's tokens always expire"
		return v
	}
	for _, d := range []*jwt.NumericDate{c.IssuedAt, c.NotBefore} {
		if d != nil && d.After(now) {
			v.Status, v.Reason = Invalid, "issued in the future: check the clocks of the issuing host"
			return v
		}
	}
	if exp <= nowS {
		v.Status = Expired
		if c.ExpiresAt == nil {
			v.Reason = fmt.Sprintf("expired: exp %g is before year 1", exp)
		} else {
			v.Reason = fmt.Sprintf("expired at %s, %s before the check", c.ExpiresAt.UTC().Format(time.RFC3339),
				now.Sub(c.ExpiresAt.Time).Truncate(time.Second))
		}
		return v
	}
	return v
}

// expiryText renders exp for people: a date, or what exp is when no date
// can show it (PyJWT accepts exp=1e300 as a token that never expires).
func expiryText(c *Claims, exp float64) string {
	if c != nil && c.ExpiresAt != nil {
		return c.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("after the year 9999 (exp %g): in practice never", exp)
}

// describe names a JSON value's type for a reason, never quoting it whole:
// claims are untrusted text.
func describe(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("a %T", v)
}

func forgedReason(k Keys, alg string, err error) string {
	if alg != "" && alg != k.Algorithm() {
		return fmt.Sprintf("signed with %s, but the configured algorithm is %s", alg, k.Algorithm())
	}
	if errors.Is(err, jwt.ErrTokenMalformed) {
		return "a part of the token does not decode: it was altered or truncated"
	}
	return fmt.Sprintf("the signature does not verify with the configured %s key: the token was altered or signed with another key", k.Algorithm())
}

// unverifiedClaims decodes the claims without trusting them, for display.
// A family or version of an unexpected JSON type, or on a target that
// writes none, is left out rather than hide the other claims.
func unverifiedClaims(raw string, rules target.JWT) *Claims {
	c := &Claims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, c); err != nil {
		var common struct {
			Email string   `json:"email"`
			Roles []string `json:"roles"`
			Type  string   `json:"type"`
			jwt.RegisteredClaims
		}
		if _, _, err := jwt.NewParser().ParseUnverified(raw, &common); err != nil {
			return nil
		}
		c = &Claims{Email: common.Email, Roles: common.Roles, Type: common.Type, RegisteredClaims: common.RegisteredClaims}
	}
	if !rules.Carries("family") {
		c.Family = ""
	}
	if !rules.Carries("version") {
		c.Version = nil
	}
	return c
}
