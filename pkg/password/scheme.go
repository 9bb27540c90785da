package password

import (
	"regexp"
	"strings"
)

// Scheme names the kind of a stored password hash.
type Scheme string

// The schemes Detect names. Only SchemeBcrypt is accepted; SchemeEmpty means
// there is no hash at all (NULL or blank) and the user needs a temporary
// password; every other scheme is unsupported and named so an operator knows
// what the legacy system used.
const (
	SchemeBcrypt          Scheme = "bcrypt"
	SchemeEmpty           Scheme = "empty"
	SchemeBcryptVariant   Scheme = "bcrypt_variant"   // $2$, $2x$ and other prefixes we do not accept
	SchemeBcryptMalformed Scheme = "bcrypt_malformed" // $2a$/$2b$/$2y$ with a bad cost, length or alphabet
	SchemeDjangoPBKDF2    Scheme = "django_pbkdf2"
	SchemeDjangoArgon2    Scheme = "django_argon2"
	SchemeDjangoBcrypt    Scheme = "django_bcrypt_sha256"
	SchemeDjangoDigest    Scheme = "django_digest" // sha1$… / md5$… / unsalted_*
	SchemeWerkzeugPBKDF2  Scheme = "werkzeug_pbkdf2"
	SchemeWerkzeugScrypt  Scheme = "werkzeug_scrypt"
	SchemeArgon2          Scheme = "argon2"
	SchemeCrypt           Scheme = "crypt" // $1$, $5$, $6$, $pbkdf2…$, $scrypt$ (Unix crypt / passlib)
	SchemeHexMD5          Scheme = "hex_md5"
	SchemeHexSHA1         Scheme = "hex_sha1"
	SchemeHexSHA256       Scheme = "hex_sha256"
	SchemeHexSHA512       Scheme = "hex_sha512"
	SchemeUnknown         Scheme = "unknown"
)

// bcryptRE is the whole whitelist: an accepted prefix, a two-digit cost
// 04–31 and exactly 53 characters of bcrypt's base64 alphabet (22 of salt,
// 31 of digest) — 60 characters in all. golang.org/x/crypto/bcrypt parses
// shapes this refuses (other prefixes, trailing bytes), so the check is ours.
var bcryptRE = regexp.MustCompile(`^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$`)

var (
	bcryptFamilyRE  = regexp.MustCompile(`^\$2[aby]\$`)
	bcryptVariantRE = regexp.MustCompile(`^\$2[a-z]?\$`)
	argon2RE        = regexp.MustCompile(`^\$argon2(id|i|d)\$`)
	cryptRE         = regexp.MustCompile(`^\$(1|5|6|md5|sha1|pbkdf2[a-z0-9-]*|scrypt|bcrypt-sha256)\$`)
	hexRE           = regexp.MustCompile(`^[0-9a-fA-F]+$`)
)

// prefixes maps the fixed prefixes of other frameworks to their scheme.
var prefixes = []struct {
	prefix string
	scheme Scheme
}{
	{"pbkdf2_sha256$", SchemeDjangoPBKDF2},
	{"pbkdf2_sha1$", SchemeDjangoPBKDF2},
	{"argon2$", SchemeDjangoArgon2},
	{"bcrypt_sha256$", SchemeDjangoBcrypt},
	{"bcrypt$", SchemeDjangoBcrypt},
	{"sha1$", SchemeDjangoDigest},
	{"md5$", SchemeDjangoDigest},
	{"unsalted_sha1$", SchemeDjangoDigest},
	{"unsalted_md5$", SchemeDjangoDigest},
	{"pbkdf2:", SchemeWerkzeugPBKDF2},
	{"scrypt:", SchemeWerkzeugScrypt},
}

// Detect names the scheme of a stored hash. The hash is examined exactly as
// stored: surrounding blanks make a bcrypt hash malformed, because copying
// it would give the user a hash no library verifies.
func Detect(hash string) Scheme {
	if isBcrypt(hash) {
		return SchemeBcrypt
	}
	if strings.TrimSpace(hash) == "" {
		return SchemeEmpty
	}
	switch {
	case bcryptFamilyRE.MatchString(hash):
		return SchemeBcryptMalformed
	case bcryptVariantRE.MatchString(hash):
		return SchemeBcryptVariant
	case argon2RE.MatchString(hash):
		return SchemeArgon2
	case cryptRE.MatchString(hash):
		return SchemeCrypt
	}
	for _, p := range prefixes {
		if strings.HasPrefix(hash, p.prefix) {
			return p.scheme
		}
	}
	if hexRE.MatchString(hash) {
		switch len(hash) {
		case 32:
			return SchemeHexMD5
		case 40:
			return SchemeHexSHA1
		case 64:
			return SchemeHexSHA256
		case 128:
			return SchemeHexSHA512
		}
	}
	return SchemeUnknown
}

// Accepted reports whether a hash can be copied as is: a well-formed
// $2a$/$2b$/$2y$ bcrypt hash with cost 4–31.
func Accepted(hash string) bool { return isBcrypt(hash) }

// isBcrypt is bcryptRE by hand: a million rows pay for the regexp engine
// otherwise (about a microsecond a row). TestIsBcryptMatchesRegexp keeps the
// two in step.
func isBcrypt(h string) bool {
	if len(h) != 60 || h[0] != '$' || h[1] != '2' || h[3] != '$' || h[6] != '$' {
		return false
	}
	if v := h[2]; v != 'a' && v != 'b' && v != 'y' {
		return false
	}
	if cost := int(h[4]-'0')*10 + int(h[5]-'0'); h[4] < '0' || h[4] > '3' || h[5] < '0' || h[5] > '9' || cost < MinCost || cost > MaxCost {
		return false
	}
	for i := 7; i < 60; i++ {
		if !bcryptAlphabet[h[i]] {
			return false
		}
	}
	return true
}

// bcryptAlphabet marks bcrypt's base64 characters: ./A-Za-z0-9.
var bcryptAlphabet = func() (t [256]bool) {
	for _, c := range []byte("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") {
		t[c] = true
	}
	return t
}()

// Cost returns the cost of an accepted bcrypt hash, or 0.
func Cost(hash string) int {
	if !Accepted(hash) {
		return 0
	}
	return int(hash[4]-'0')*10 + int(hash[5]-'0')
}
