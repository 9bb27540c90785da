package token

import (
	"crypto"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// ErrKey means the algorithm or its key material cannot be used: an
// unsupported algorithm, a missing secret or an unreadable key file.
var ErrKey = errors.New("unusable JWT key")

// HMACAlgorithms are the algorithms that sign with JWT_SECRET_KEY.
var HMACAlgorithms = []string{"HS256", "HS384", "HS512"}

// KeyFileAlgorithms are the algorithms that sign with a private key file and
// verify with a public key file (JWT_PRIVATE_KEY_PATH, JWT_PUBLIC_KEY_PATH).
var KeyFileAlgorithms = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}

// KeyOptions name the configured algorithm and where its key material is.
type KeyOptions struct {
	Algorithm string
	// Secret is the HMAC key, the bytes of JWT_SECRET_KEY as the app uses them.
	Secret []byte
	// PrivateKeyPath and PublicKeyPath are PEM files for RS*/ES*.
	PrivateKeyPath string
	PublicKeyPath  string
}

// Keys sign and verify tokens with one algorithm.
type Keys struct {
	Method jwt.SigningMethod
	// sign is nil when only a public key is known (verification only).
	sign   any
	verify any
}

// Algorithm is the JWT "alg" these keys use.
func (k Keys) Algorithm() string { return k.Method.Alg() }

// CanSign reports whether a private key or secret is known.
func (k Keys) CanSign() bool { return k.sign != nil }

// IsHMAC reports whether alg signs with a shared secret.
func IsHMAC(alg string) bool { return slices.Contains(HMACAlgorithms, strings.ToUpper(alg)) }

// IsKeyFile reports whether alg signs with key files.
func IsKeyFile(alg string) bool { return slices.Contains(KeyFileAlgorithms, strings.ToUpper(alg)) }

// LoadKeys turns the configured algorithm and key material into Keys. For
// RS*/ES* the public key file is required; the private key file is needed
// only to sign.
func LoadKeys(o KeyOptions) (Keys, error) {
	alg := strings.ToUpper(strings.TrimSpace(o.Algorithm))
	switch {
	case IsHMAC(alg):
		if len(o.Secret) == 0 {
			return Keys{}, fmt.Errorf("%w: %s needs JWT_SECRET_KEY", ErrKey, alg)
		}
		return Keys{Method: jwt.GetSigningMethod(alg), sign: o.Secret, verify: o.Secret}, nil
	case IsKeyFile(alg):
		return loadKeyFiles(alg, o.PrivateKeyPath, o.PublicKeyPath)
	default:
		return Keys{}, fmt.Errorf("%w: algorithm %q is not supported (use one of %s, or %s with key files)",
			ErrKey, o.Algorithm, strings.Join(HMACAlgorithms, ", "), strings.Join(KeyFileAlgorithms, ", "))
	}
}

func loadKeyFiles(alg, privPath, pubPath string) (Keys, error) {
	k := Keys{Method: jwt.GetSigningMethod(alg)}
	rsa := strings.HasPrefix(alg, "RS")
	if pubPath == "" {
		return Keys{}, fmt.Errorf("%w: %s needs JWT_PUBLIC_KEY_PATH", ErrKey, alg)
	}
	pub, err := readPEM(pubPath, "public")
	if err != nil {
		return Keys{}, err
	}
	if rsa {
		k.verify, err = jwt.ParseRSAPublicKeyFromPEM(pub)
	} else {
		k.verify, err = jwt.ParseECPublicKeyFromPEM(pub)
	}
	if err != nil {
		return Keys{}, fmt.Errorf("%w: public key %s is not a %s key for %s: %v", ErrKey, pubPath, keyKind(alg), alg, err)
	}
	if privPath == "" {
		return k, nil
	}
	priv, err := readPEM(privPath, "private")
	if err != nil {
		return Keys{}, err
	}
	var signer crypto.Signer
	if rsa {
		signer, err = jwt.ParseRSAPrivateKeyFromPEM(priv)
	} else {
		signer, err = jwt.ParseECPrivateKeyFromPEM(priv)
	}
	if err != nil {
		return Keys{}, fmt.Errorf("%w: private key %s is not a %s key for %s: %v", ErrKey, privPath, keyKind(alg), alg, err)
	}
	if ec, ok := signer.(*ecdsa.PrivateKey); ok {
		if m := k.Method.(*jwt.SigningMethodECDSA); ec.Curve.Params().BitSize != m.CurveBits {
			return Keys{}, fmt.Errorf("%w: private key %s is on a %d-bit curve, %s needs %d bits",
				ErrKey, privPath, ec.Curve.Params().BitSize, alg, m.CurveBits)
		}
	}
	k.sign = signer
	return k, nil
}

func keyKind(alg string) string {
	if strings.HasPrefix(alg, "RS") {
		return "RSA"
	}
	return "ECDSA"
}

func readPEM(path, what string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s key file: %v", ErrKey, what, err)
	}
	return b, nil
}

// LoadKeysFor is LoadKeys for a target whose application signs with one
// algorithm whatever the configuration says: another one configured is an
// error, since every token dhmig issued or accepted would mislead.
func LoadKeysFor(rules target.JWT, o KeyOptions) (Keys, error) {
	if rules.Algorithm != "" && !strings.EqualFold(strings.TrimSpace(o.Algorithm), rules.Algorithm) {
		return Keys{}, fmt.Errorf("%w: JWT_ALGORITHM is %q, but the target's application signs and checks %s only",
			ErrKey, o.Algorithm, rules.Algorithm)
	}
	return LoadKeys(o)
}

// fit refuses keys of another algorithm than the one the target's
// application uses.
func (k Keys) fit(rules target.JWT) error {
	if rules.Algorithm != "" && k.Algorithm() != rules.Algorithm {
		return fmt.Errorf("%w: the target's application signs and checks %s only, not %s", ErrKey, rules.Algorithm, k.Algorithm())
	}
	return nil
}
