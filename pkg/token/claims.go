package token

import "github.com/golang-jwt/jwt/v5"

// AccessType is the "type" claim of an access token, as the app writes it.
const AccessType = "access"

// Claims are the claims of the app's tokens: sub, email, roles, type, iat,
// exp and jti, and for targets that write them iss, aud and a refresh
// token's family and version.
type Claims struct {
	Email string   `json:"email"`
	Roles []string `json:"roles"`
	Type  string   `json:"type"`
	// Family and Version are a refresh token's rotation family and
	// version; access tokens carry neither.
	Family  string `json:"family,omitempty"`
	Version *int64 `json:"version,omitempty"`
	jwt.RegisteredClaims
}

// claimMeaning names what a required claim is, for the reason that says
// it is missing.
var claimMeaning = map[string]string{
	"sub":     "user id",
	"jti":     "token id",
	"email":   "user email",
	"family":  "refresh token family",
	"version": "refresh token version",
}

// has reports whether a required claim is present and not empty.
func (c *Claims) has(name string, mc jwt.MapClaims) bool {
	switch name {
	case "sub":
		return c.Subject != ""
	case "jti":
		return c.ID != ""
	case "email":
		return c.Email != ""
	case "family":
		return c.Family != ""
	case "version":
		return c.Version != nil
	}
	_, ok := mc[name]
	return ok
}
