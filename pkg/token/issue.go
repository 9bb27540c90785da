package token

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// IssueOptions describe the access token to issue.
type IssueOptions struct {
	UserID string
	Email  string
	Roles  []string
	// TTL is the access token lifetime (JWT_ACCESS_TOKEN_EXPIRE_MINUTES).
	TTL time.Duration
	// Now is the issue time; zero means time.Now().
	Now time.Time
}

// Issued is a signed token and what it says.
type Issued struct {
	Token     string `json:"token"`
	Algorithm string `json:"algorithm"`
	Claims    Claims `json:"claims"`
}

// Issue signs an access token with the app's claims and a fresh random jti.
func Issue(k Keys, o IssueOptions) (Issued, error) {
	if !k.CanSign() {
		return Issued{}, fmt.Errorf("%w: %s needs JWT_PRIVATE_KEY_PATH to sign", ErrKey, k.Algorithm())
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
	roles := o.Roles
	if len(roles) == 0 {
		roles = []string{"user"}
	}
	c := Claims{
		Email: o.Email,
		Roles: roles,
		Type:  AccessType,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   o.UserID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(o.TTL)),
			ID:        uuid.NewString(),
		},
	}
	s, err := jwt.NewWithClaims(k.Method, c).SignedString(k.sign)
	if err != nil {
		return Issued{}, fmt.Errorf("sign %s token: %w", k.Algorithm(), err)
	}
	return Issued{Token: s, Algorithm: k.Algorithm(), Claims: c}, nil
}
