package token

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrNotValid means a token did not verify: expired, forged, malformed or
// with claims the app rejects. The CLI maps it to exit code 3.
var ErrNotValid = errors.New("token is not valid")

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
}

// Err is nil for a valid token and wraps ErrNotValid otherwise.
func (v Verification) Err() error {
	if v.Valid {
		return nil
	}
	return fmt.Errorf("%w: %s: %s", ErrNotValid, v.Status, v.Reason)
}

// Verify checks a token against the keys at time now (zero means
// time.Now()). Only the configured algorithm is accepted, base64 is decoded
// strictly (so no character of the signature can change unnoticed), and exp
// is required.
func Verify(k Keys, raw string, now time.Time) Verification {
	if now.IsZero() {
		now = time.Now()
	}
	raw = strings.TrimSpace(raw)
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{k.Algorithm()}),
		jwt.WithStrictDecoding(),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	claims := &Claims{}
	tok, err := p.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return k.verify, nil })
	v := Verification{Algorithm: k.Algorithm()}
	if tok != nil && tok.Method != nil {
		v.Algorithm = tok.Method.Alg()
	}
	switch {
	case err == nil:
		v.SignatureVerified, v.Claims = true, claims
		return checkAccessClaims(v)
	case tok == nil:
		v.Status, v.Reason = Malformed, "not a JWT: it must be three base64url parts joined by dots"
		return v
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable),
		errors.Is(err, jwt.ErrTokenMalformed):
		v.Status, v.Reason = Forged, forgedReason(k, v.Algorithm, err)
		v.Claims = unverifiedClaims(raw)
		return v
	}
	// The signature verified; the claims did not pass.
	v.SignatureVerified, v.Claims = true, claims
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		v.Status = Expired
		v.Reason = fmt.Sprintf("expired at %s, %s before the check", claims.ExpiresAt.UTC().Format(time.RFC3339),
			now.Sub(claims.ExpiresAt.Time).Truncate(time.Second))
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		v.Status, v.Reason = Invalid, "the exp claim is missing: the app's tokens always expire"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued), errors.Is(err, jwt.ErrTokenNotValidYet):
		v.Status, v.Reason = Invalid, "issued in the future: check the clocks of the issuing host"
	default:
		v.Status, v.Reason = Invalid, "claims rejected: "+err.Error()
	}
	return v
}

func checkAccessClaims(v Verification) Verification {
	switch {
	case v.Claims.Type != AccessType:
		v.Status, v.Reason = Invalid, fmt.Sprintf("type claim is %q, not %q", v.Claims.Type, AccessType)
	case v.Claims.Subject == "":
		v.Status, v.Reason = Invalid, "the sub claim (user id) is missing"
	default:
		v.Status, v.Valid = Valid, true
		v.Reason = fmt.Sprintf("signature verifies with the configured %s key; expires %s",
			v.Algorithm, v.Claims.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return v
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
func unverifiedClaims(raw string) *Claims {
	c := &Claims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, c); err != nil {
		return nil
	}
	return c
}
