package password

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestDetect(t *testing.T) {
	good, err := bcrypt.GenerateFromPassword([]byte("correct horse"), 4)
	if err != nil {
		t.Fatal(err)
	}
	g := string(good) // $2a$04$…
	tests := []struct {
		name string
		hash string
		want Scheme
	}{
		{"bcrypt 2a", g, SchemeBcrypt},
		{"bcrypt 2b", "$2b$" + g[4:], SchemeBcrypt},
		{"bcrypt 2y cost 31", "$2y$31$" + g[7:], SchemeBcrypt},
		{"empty", "", SchemeEmpty},
		{"blank", "   ", SchemeEmpty},
		{"2x variant", "$2x$" + g[4:], SchemeBcryptVariant},
		{"2 variant", "$2$04$" + g[7:], SchemeBcryptVariant},
		{"truncated", g[:59], SchemeBcryptMalformed},
		{"too long", g + "x", SchemeBcryptMalformed},
		{"cost 03", "$2b$03$" + g[7:], SchemeBcryptMalformed},
		{"cost 32", "$2b$32$" + g[7:], SchemeBcryptMalformed},
		{"bad alphabet", g[:59] + "+", SchemeBcryptMalformed},
		{"trailing newline", g + "\n", SchemeBcryptMalformed},
		{"leading blank", " " + g, SchemeUnknown},
		{"django pbkdf2", "pbkdf2_sha256$600000$salt$aGFzaA==", SchemeDjangoPBKDF2},
		{"django argon2", "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA", SchemeDjangoArgon2},
		{"django bcrypt_sha256", "bcrypt_sha256$" + g, SchemeDjangoBcrypt},
		{"django sha1", "sha1$salt$0123456789abcdef0123456789abcdef01234567", SchemeDjangoDigest},
		{"werkzeug pbkdf2", "pbkdf2:sha256:600000$salt$abcdef", SchemeWerkzeugPBKDF2},
		{"werkzeug scrypt", "scrypt:32768:8:1$salt$abcdef", SchemeWerkzeugScrypt},
		{"argon2id", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", SchemeArgon2},
		{"md5-crypt", "$1$salt$hash", SchemeCrypt},
		{"sha512-crypt", "$6$rounds=5000$salt$hash", SchemeCrypt},
		{"hex md5", "5f4dcc3b5aa765d61d8327deb882cf99", SchemeHexMD5},
		{"hex sha1", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", SchemeHexSHA1},
		{"hex sha256", strings.Repeat("ab", 32), SchemeHexSHA256},
		{"hex sha512", strings.Repeat("CD", 64), SchemeHexSHA512},
		{"hex odd length", strings.Repeat("a", 33), SchemeUnknown},
		{"plaintext", "hunter2", SchemeUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.hash); got != tc.want {
				t.Errorf("Detect(%q) = %s, want %s", tc.hash, got, tc.want)
			}
			if Accepted(tc.hash) != (tc.want == SchemeBcrypt) {
				t.Errorf("Accepted(%q) = %v", tc.hash, Accepted(tc.hash))
			}
		})
	}
}

func TestCost(t *testing.T) {
	for _, tc := range []struct {
		hash string
		want int
	}{
		{"$2b$04$" + strings.Repeat("a", 53), 4},
		{"$2y$12$" + strings.Repeat("a", 53), 12},
		{"$2a$31$" + strings.Repeat("a", 53), 31},
		{"$2x$12$" + strings.Repeat("a", 53), 0},
		{"pbkdf2:sha256", 0},
	} {
		if got := Cost(tc.hash); got != tc.want {
			t.Errorf("Cost(%q) = %d, want %d", tc.hash, got, tc.want)
		}
	}
}

// TestIsBcryptMatchesRegexp checks the hand-written whitelist against the
// regexp that states it, on every single-byte change of valid hashes and on
// every length around 60.
func TestIsBcryptMatchesRegexp(t *testing.T) {
	bases := []string{
		"$2a$04$" + strings.Repeat("a", 53),
		"$2b$12$./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz012",
		"$2y$31$" + strings.Repeat("9", 53),
		"$2b$19$" + strings.Repeat("Z", 53),
	}
	checked, accepted := 0, 0
	check := func(h string) {
		checked++
		want := bcryptRE.MatchString(h)
		if want {
			accepted++
		}
		if got := isBcrypt(h); got != want {
			t.Fatalf("isBcrypt(%q) = %v, regexp says %v", h, got, want)
		}
	}
	for _, b := range bases {
		for i := 0; i < len(b); i++ {
			for c := 0; c < 256; c++ {
				check(b[:i] + string([]byte{byte(c)}) + b[i+1:])
			}
		}
		for n := 0; n <= len(b)+2; n++ {
			check((b + "aa")[:n])
		}
	}
	if accepted < 1000 || accepted == checked {
		t.Errorf("checked %d, accepted %d: the cases do not exercise both sides", checked, accepted)
	}
}
