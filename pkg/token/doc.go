// Package token owns the guide's JWT troubleshooting: it issues access
// tokens with the claims the DhafnckMCP app writes (sub, email, roles,
// type=access, iat, exp, jti) and tells whether a token is valid, expired or
// forged under the configured algorithm and key. Signing and verification
// are github.com/golang-jwt/jwt/v5's; this package only chooses the keys and
// names the verdict.
package token
