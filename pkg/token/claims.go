package token

import "github.com/golang-jwt/jwt/v5"

// AccessType is the "type" claim of an access token, as the app writes it.
const AccessType = "access"

// Claims are the claims of the app's access token: sub, email, roles,
// type, iat, exp and jti.
type Claims struct {
	Email string   `json:"email"`
	Roles []string `json:"roles"`
	Type  string   `json:"type"`
	jwt.RegisteredClaims
}
