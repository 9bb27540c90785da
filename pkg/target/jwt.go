package target

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// JWT describes the tokens a target's application issues and how it checks
// them: jwt issue writes these claims and jwt verify requires them.
type JWT struct {
	// Issuer is the iss claim the application writes; verify refuses a
	// token without it or with another. "" when the application sets none
	// (then iss is not read).
	Issuer string
	// Algorithm is the one algorithm the application signs with, whatever
	// JWT_ALGORITHM says; "" when it follows the configuration.
	Algorithm string
	// IDForm is how the application writes jti (and a refresh family).
	IDForm TokenIDForm
	// Kinds are the token types the application issues, the default first.
	Kinds []TokenKind
}

// TokenKind is one type of token (the "type" claim) of a target.
type TokenKind struct {
	// Type is the value of the type claim.
	Type string
	// Audience is the aud the application writes and its token check
	// requires; "" when it writes none (then aud is not read).
	Audience string
	// TTL is the lifetime the application gives the token; 0 means
	// JWT_ACCESS_TOKEN_EXPIRE_MINUTES.
	TTL time.Duration
	// Claims are the claims the application writes, in its order.
	Claims []string
	// Required are the claims, beyond exp, type, iss and aud, without
	// which verify refuses the token.
	Required []string
}

// TokenIDForm is how a random token id is written.
type TokenIDForm string

// The forms of a random token id.
const (
	// IDUUID is a random UUID, canonical lower-case text.
	IDUUID TokenIDForm = "uuid"
	// IDHex128 is 128 random bits as 32 lower-case hex digits, Python's
	// secrets.token_hex(16).
	IDHex128 TokenIDForm = "hex128"
)

// Kind returns the token kind of that type, or an error that completes
// "the target issues …" and names the types it does issue.
func (j JWT) Kind(typ string) (TokenKind, error) {
	for _, k := range j.Kinds {
		if k.Type == typ {
			return k, nil
		}
	}
	return TokenKind{}, fmt.Errorf("no %q tokens (its types: %s)", typ, strings.Join(j.Types(), ", "))
}

// Types lists the token types the target issues, the default first.
func (j JWT) Types() []string {
	var ts []string
	for _, k := range j.Kinds {
		ts = append(ts, k.Type)
	}
	return ts
}

// Carries reports whether any of the target's tokens has the claim: the
// claims worth reading and showing.
func (j JWT) Carries(claim string) bool {
	if claim == "iss" && j.Issuer != "" {
		return true
	}
	for _, k := range j.Kinds {
		if slices.Contains(k.Claims, claim) || slices.Contains(k.Required, claim) {
			return true
		}
	}
	return false
}

// Carries reports whether a token of this kind has the claim.
func (k TokenKind) Carries(claim string) bool { return slices.Contains(k.Claims, claim) }
