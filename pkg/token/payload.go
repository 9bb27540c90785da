package token

import (
	"bytes"
	"encoding/json"

	"github.com/golang-jwt/jwt/v5"
)

// Payload is a token's claims in the order they are signed: the order the
// target's application writes them.
type Payload []Claim

// Claim is one named claim of a Payload.
type Claim struct {
	Name  string
	Value any
}

// MarshalJSON writes the claims as one object, in order. HTML characters
// are left alone here: json.Marshal escapes them when the token is signed,
// as it does for any claims, and a JSON report shows them as written.
func (p Payload) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, c := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(c.Name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := enc.Encode(c.Value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// payloadOf picks the named claims out of c, in the order of names.
func payloadOf(names []string, c Claims) Payload {
	p := make(Payload, 0, len(names))
	for _, n := range names {
		var v any
		switch n {
		case "sub":
			v = c.Subject
		case "email":
			v = c.Email
		case "roles":
			v = c.Roles
		case "type":
			v = c.Type
		case "aud":
			// One audience is written as a string, as PyJWT writes it.
			v = c.Audience[0]
		case "iat":
			v = c.IssuedAt.Unix()
		case "exp":
			v = c.ExpiresAt.Unix()
		case "iss":
			v = c.Issuer
		case "jti":
			v = c.ID
		case "family":
			v = c.Family
		case "version":
			v = *c.Version
		default:
			continue
		}
		p = append(p, Claim{Name: n, Value: v})
	}
	return p
}

// signable lets a Payload be signed by github.com/golang-jwt/jwt, which
// wants jwt.Claims; the getters serve validation, which signing skips.
type signable struct{ Payload }

func (signable) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }
func (signable) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (signable) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (signable) GetIssuer() (string, error)                   { return "", nil }
func (signable) GetSubject() (string, error)                  { return "", nil }
func (signable) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }
