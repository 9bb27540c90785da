package password

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"

	"golang.org/x/crypto/bcrypt"
)

// TempMode chooses how temporary passwords are made.
type TempMode string

// The temporary-password modes.
const (
	// TempBcrypt hashes a fresh random password with bcrypt at the chosen
	// cost: the guide's behaviour, and slow on purpose.
	TempBcrypt TempMode = "bcrypt"
	// TempSealed writes a well-formed bcrypt string with random salt and
	// digest: no password matches it, and it costs nothing to make.
	TempSealed TempMode = "sealed"
)

// ParseTempMode accepts "bcrypt" or "sealed".
func ParseTempMode(s string) (TempMode, error) {
	switch m := TempMode(s); m {
	case TempBcrypt, TempSealed:
		return m, nil
	}
	return "", fmt.Errorf("unknown temporary-password mode %q: use bcrypt or sealed", s)
}

// MinCost and MaxCost bound the bcrypt cost dhmig writes and accepts.
const (
	MinCost = 4
	MaxCost = 31
)

// ValidateCost checks a bcrypt cost is within 4–31.
func ValidateCost(cost int) error {
	if cost < MinCost || cost > MaxCost {
		return fmt.Errorf("bcrypt cost %d is out of range: use %d–%d", cost, MinCost, MaxCost)
	}
	return nil
}

// TempPasswordBytes is how much randomness a temporary password carries.
const TempPasswordBytes = 32

// bcryptB64 is bcrypt's own base64 alphabet, without padding.
var bcryptB64 = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").WithPadding(base64.NoPadding)

// tempHash makes one temporary-password hash at cost. In bcrypt mode the
// random password is wiped as soon as it is hashed; it is never returned.
func tempHash(mode TempMode, cost int) (string, error) {
	if err := ValidateCost(cost); err != nil {
		return "", err
	}
	switch mode {
	case TempSealed:
		return sealed(cost), nil
	case TempBcrypt:
		return bcryptTemp(cost)
	}
	return "", fmt.Errorf("unknown temporary-password mode %q", mode)
}

func bcryptTemp(cost int) (string, error) {
	raw := make([]byte, TempPasswordBytes)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails (Go ≥ 1.24)
	pw := make([]byte, base64.RawURLEncoding.EncodedLen(len(raw)))
	base64.RawURLEncoding.Encode(pw, raw)
	h, err := bcrypt.GenerateFromPassword(pw, cost)
	clear(raw)
	clear(pw)
	if err != nil {
		return "", fmt.Errorf("bcrypt temporary password: %w", err)
	}
	return string(h), nil
}

// sealed builds "$2b$<cost>$" + 22 characters of random salt + 31 of random
// digest, each the bcrypt base64 of random bytes (16 and 23), so every
// bcrypt library parses it; finding a password for it means inverting
// bcrypt.
func sealed(cost int) string {
	var raw [16 + 23]byte
	_, _ = rand.Read(raw[:])
	buf := make([]byte, 0, 60)
	buf = append(buf, "$2b$"...)
	if cost < 10 {
		buf = append(buf, '0')
	}
	buf = strconv.AppendInt(buf, int64(cost), 10)
	buf = append(buf, '$')
	buf = bcryptB64.AppendEncode(buf, raw[:16])
	buf = bcryptB64.AppendEncode(buf, raw[16:])
	return string(buf)
}
