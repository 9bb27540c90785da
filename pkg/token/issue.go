package token

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// IssueOptions describe the token to issue.
type IssueOptions struct {
	UserID string
	Email  string
	Roles  []string
	// TTL is the token's lifetime.
	TTL time.Duration
	// Now is the issue time; zero means time.Now().
	Now time.Time
	// Family and Version are a refresh token's rotation family and version
	// (ignored for kinds that carry none); an empty Family is a fresh one.
	Family  string
	Version int64
}

// Issued is a signed token and what it says.
type Issued struct {
	Token     string `json:"token"`
	Algorithm string `json:"algorithm"`
	// Payload is exactly what the token carries, in its order.
	Payload Payload `json:"claims"`
	// Claims are the same claims, typed.
	Claims Claims `json:"-"`
}

// Issue signs an access token of the guide target with a fresh random jti.
func Issue(k Keys, o IssueOptions) (Issued, error) {
	g := target.Guide.JWT
	return IssueAs(k, g, g.Kinds[0], o)
}

// IssueAs signs a token of the given kind as the target's application
// writes it: the kind's claims in its order, the target's issuer and
// audience, a fresh jti in the target's form.
func IssueAs(k Keys, rules target.JWT, kind target.TokenKind, o IssueOptions) (Issued, error) {
	if !k.CanSign() {
		return Issued{}, fmt.Errorf("%w: %s needs JWT_PRIVATE_KEY_PATH to sign", ErrKey, k.Algorithm())
	}
	if err := k.fit(rules); err != nil {
		return Issued{}, err
	}
	if strings.TrimSpace(o.UserID) == "" {
		return Issued{}, errors.New("a user id (sub) is required")
	}
	if o.TTL <= 0 {
		return Issued{}, fmt.Errorf("token lifetime must be positive, got %s", o.TTL)
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	jti, err := newID(rules.IDForm)
	if err != nil {
		return Issued{}, err
	}
	c := Claims{
		Type: kind.Type,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   o.UserID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(o.TTL)),
			ID:        jti,
		},
	}
	if kind.Carries("email") {
		c.Email = o.Email
	}
	if kind.Carries("roles") {
		c.Roles = o.Roles
		if len(c.Roles) == 0 {
			c.Roles = []string{target.DefaultRole}
		}
	}
	if kind.Carries("iss") {
		c.Issuer = rules.Issuer
	}
	if kind.Carries("aud") {
		c.Audience = jwt.ClaimStrings{kind.Audience}
	}
	if kind.Carries("family") {
		if c.Family = o.Family; c.Family == "" {
			if c.Family, err = newID(rules.IDForm); err != nil {
				return Issued{}, err
			}
		}
	}
	if kind.Carries("version") {
		v := o.Version
		c.Version = &v
	}
	p := payloadOf(kind.Claims, c)
	s, err := jwt.NewWithClaims(k.Method, signable{p}).SignedString(k.sign)
	if err != nil {
		return Issued{}, fmt.Errorf("sign %s token: %w", k.Algorithm(), err)
	}
	return Issued{Token: s, Algorithm: k.Algorithm(), Payload: p, Claims: c}, nil
}

// newID is a random token id in the given form.
func newID(form target.TokenIDForm) (string, error) {
	switch form {
	case target.IDHex128:
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("random token id: %w", err)
		}
		return hex.EncodeToString(b), nil
	case target.IDUUID, "":
		return uuid.NewString(), nil
	}
	return "", fmt.Errorf("unknown token id form %q", form)
}
