// Package token owns the guide's JWT troubleshooting: it issues tokens
// with the claims a target's application writes (for the guide: sub, email,
// roles, type=access, iat, exp, jti; for the dhafnck target also iss, aud,
// and refresh tokens with family and version) and tells whether a token is
// valid, expired, forged or carries claims the application rejects, under
// the configured algorithm and key. The claim rules are the target's data
// (target.JWT); signing and verification are github.com/golang-jwt/jwt/v5's;
// this package only chooses the keys, writes the claims and names the
// verdict.
package token
