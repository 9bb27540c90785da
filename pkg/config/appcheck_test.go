package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	goodSecret   = "Zq3vT8yLw1Hn5Rk0Pb7Xc2Ms9Gd4Fj6Aa-_Ue1Io0Kt8Yp3Wl5Nr7Qs2Vx4Bz6Cm" // 64 bytes
	goodPassword = "Smtp-Pa55word-Value"
)

// goodEnv is a configuration on which every key is ok.
func goodEnv() map[string]string {
	return map[string]string{
		"JWT_SECRET_KEY":                   goodSecret,
		"JWT_ACCESS_TOKEN_EXPIRE_MINUTES":  "15",
		"JWT_REFRESH_TOKEN_EXPIRE_DAYS":    "30",
		"JWT_ALGORITHM":                    "HS256",
		"SMTP_HOST":                        "smtp.mail.test",
		"SMTP_PORT":                        "587",
		"SMTP_USER":                        "mailer",
		"SMTP_PASSWORD":                    goodPassword,
		"SMTP_FROM_EMAIL":                  "noreply@dhafnck.test",
		"PASSWORD_MIN_LENGTH":              "8",
		"MAX_LOGIN_ATTEMPTS":               "5",
		"ACCOUNT_LOCKOUT_DURATION_MINUTES": "30",
		"NOTIFY_SUPPORT_EMAIL":             "support@dhafnck.test",
		"NOTIFY_GUIDE_URL":                 "https://docs.dhafnck.test/auth",
		"NOTIFY_RESET_URL":                 "https://app.dhafnck.test/reset",
	}
}

func loadEnv(t *testing.T, dir string, env map[string]string) *Config {
	t.Helper()
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	c, err := Load(LoadOptions{Environ: environ, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func find(t *testing.T, rep AppReport, key string) KeyCheck {
	t.Helper()
	for _, k := range rep.Checks {
		if k.Key == key {
			return k
		}
	}
	t.Fatalf("no check for %s in %+v", key, rep.Checks)
	return KeyCheck{}
}

func TestCheckAppAllGood(t *testing.T) {
	rep := loadEnv(t, t.TempDir(), goodEnv()).CheckApp()
	if !rep.OK || rep.Errors != 0 || rep.Warnings != 0 {
		t.Fatalf("report = %+v", rep)
	}
	var keys []string
	for _, k := range rep.Checks {
		keys = append(keys, k.Key)
		if k.Status != VerdictOK || k.Source != "env "+k.Key {
			t.Errorf("%s: %s from %s (%s)", k.Key, k.Status, k.Source, k.Detail)
		}
	}
	want := "JWT_SECRET_KEY,JWT_ALGORITHM,JWT_ACCESS_TOKEN_EXPIRE_MINUTES,JWT_REFRESH_TOKEN_EXPIRE_DAYS,SMTP_HOST,SMTP_PORT," +
		"SMTP_USER,SMTP_PASSWORD,SMTP_FROM_EMAIL,PASSWORD_MIN_LENGTH,MAX_LOGIN_ATTEMPTS,ACCOUNT_LOCKOUT_DURATION_MINUTES," +
		"NOTIFY_SUPPORT_EMAIL,NOTIFY_GUIDE_URL,NOTIFY_RESET_URL"
	if got := strings.Join(keys, ","); got != want {
		t.Fatalf("keys\n got %s\nwant %s", got, want)
	}
}

func TestCheckAppRules(t *testing.T) {
	tests := []struct {
		name   string
		set    map[string]string // "" deletes the variable
		key    string
		want   Verdict
		detail string
	}{
		{"secret missing", map[string]string{"JWT_SECRET_KEY": ""}, "JWT_SECRET_KEY", VerdictError, "missing"},
		{"guide's placeholder secret", map[string]string{"JWT_SECRET_KEY": "your_super_secret_jwt_key_change_this_in_production"}, "JWT_SECRET_KEY", VerdictError, "placeholder"},
		{"change-me secret", map[string]string{"JWT_SECRET_KEY": "please-changeme-please-changeme-please-changeme"}, "JWT_SECRET_KEY", VerdictError, "placeholder"},
		{"template secret", map[string]string{"JWT_SECRET_KEY": "<put a long random secret in here, please!>"}, "JWT_SECRET_KEY", VerdictError, "placeholder"},
		{"guide's troubleshooting secret", map[string]string{"JWT_SECRET_KEY": "test-key"}, "JWT_SECRET_KEY", VerdictError, "placeholder"},
		{"short secret", map[string]string{"JWT_SECRET_KEY": "Zq3vT8yLw1Hn5Rk0Pb7Xc2Ms9Gd4Fj6"}, "JWT_SECRET_KEY", VerdictError, "is 31 bytes: at least 32"},
		{"32-byte secret", map[string]string{"JWT_SECRET_KEY": "Zq3vT8yLw1Hn5Rk0Pb7Xc2Ms9Gd4Fj6A"}, "JWT_SECRET_KEY", VerdictOK, "32 bytes (not shown)"},
		{"repetitive secret", map[string]string{"JWT_SECRET_KEY": strings.Repeat("ab", 20)}, "JWT_SECRET_KEY", VerdictError, "only 2 distinct characters"},
		// Long enough, varied enough, and guessed in seconds.
		{"alphabet run ×4", map[string]string{"JWT_SECRET_KEY": strings.Repeat("abcdefgh", 4)}, "JWT_SECRET_KEY", VerdictError, "guessable"},
		{"digit run", map[string]string{"JWT_SECRET_KEY": "0123456789012345678901234567890123456789"}, "JWT_SECRET_KEY", VerdictError, "guessable"},
		{"Password1 ×4", map[string]string{"JWT_SECRET_KEY": strings.Repeat("Password1", 4)}, "JWT_SECRET_KEY", VerdictError, "guessable"},
		{"keyboard row walk", map[string]string{"JWT_SECRET_KEY": "qwertyuiopasdfghjklzxcvbnmqwertyuiop"}, "JWT_SECRET_KEY", VerdictError, "guessable"},
		{"keyboard column walk", map[string]string{"JWT_SECRET_KEY": "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,"}, "JWT_SECRET_KEY", VerdictError, "guessable"},
		{"words run together", map[string]string{"JWT_SECRET_KEY": "thisismysupersecretjwtkeyforprod"}, "JWT_SECRET_KEY", VerdictWarning, "bits of entropy"},
		{"random hex", map[string]string{"JWT_SECRET_KEY": "3f9a1c7e5b2d8046a9c3e1f7b5d20864"}, "JWT_SECRET_KEY", VerdictOK, "32 bytes (not shown)"},
		{"long random tail after padding", map[string]string{"JWT_SECRET_KEY": strings.Repeat("-", 200) + goodSecret}, "JWT_SECRET_KEY", VerdictOK, "264 bytes"},
		{"not UTF-8", map[string]string{"JWT_SECRET_KEY": "Zq3vT8yLw1Hn5Rk0Pb7Xc2Ms9Gd4Fj6A\xff"}, "JWT_SECRET_KEY", VerdictError, "not UTF-8"},
		{"HS512 with a 40-byte secret", map[string]string{"JWT_ALGORITHM": "HS512", "JWT_SECRET_KEY": goodSecret[:40]}, "JWT_SECRET_KEY", VerdictWarning, "at least 64 bytes"},
		{"HS384", map[string]string{"JWT_ALGORITHM": "HS384"}, "JWT_ALGORITHM", VerdictOK, "HS384 signs with JWT_SECRET_KEY"},
		{"HS512", map[string]string{"JWT_ALGORITHM": "HS512"}, "JWT_ALGORITHM", VerdictOK, "HS512"},
		{"algorithm none", map[string]string{"JWT_ALGORITHM": "none"}, "JWT_ALGORITHM", VerdictError, `"none" is not supported`},
		{"algorithm PS256", map[string]string{"JWT_ALGORITHM": "PS256"}, "JWT_ALGORITHM", VerdictError, "not supported"},
		{"algorithm lowercase", map[string]string{"JWT_ALGORITHM": "hs256"}, "JWT_ALGORITHM", VerdictError, "case-sensitive, write HS256"},
		{"algorithm empty", map[string]string{"JWT_ALGORITHM": " "}, "JWT_ALGORITHM", VerdictError, "missing"},
		{"RS256 without key files", map[string]string{"JWT_ALGORITHM": "RS256"}, "JWT_ALGORITHM", VerdictError, "RS256 needs readable key files"},
		{"RS256 key path missing", map[string]string{"JWT_ALGORITHM": "RS256"}, "JWT_PRIVATE_KEY_PATH", VerdictError, "missing"},
		{"RS256 key file absent", map[string]string{"JWT_ALGORITHM": "RS256", "JWT_PUBLIC_KEY_PATH": "/nonexistent/jwt.pub"}, "JWT_PUBLIC_KEY_PATH", VerdictError, "does not exist"},
		{"ES256 without key files", map[string]string{"JWT_ALGORITHM": "ES256"}, "JWT_ALGORITHM", VerdictError, "ES256 needs"},
		{"access expiry zero", map[string]string{"JWT_ACCESS_TOKEN_EXPIRE_MINUTES": "0"}, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", VerdictError, `"0" is not a positive integer`},
		{"access expiry negative", map[string]string{"JWT_ACCESS_TOKEN_EXPIRE_MINUTES": "-5"}, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", VerdictError, "not a positive integer"},
		{"access expiry fraction", map[string]string{"JWT_ACCESS_TOKEN_EXPIRE_MINUTES": "1.5"}, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", VerdictError, "not a positive integer"},
		{"access expiry words", map[string]string{"JWT_ACCESS_TOKEN_EXPIRE_MINUTES": "15m"}, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", VerdictError, "not a positive integer"},
		{"refresh expiry zero", map[string]string{"JWT_REFRESH_TOKEN_EXPIRE_DAYS": "0"}, "JWT_REFRESH_TOKEN_EXPIRE_DAYS", VerdictError, "not a positive integer"},
		{"refresh expiry empty", map[string]string{"JWT_REFRESH_TOKEN_EXPIRE_DAYS": " "}, "JWT_REFRESH_TOKEN_EXPIRE_DAYS", VerdictError, "not a positive integer"},
		{"access outlives refresh", map[string]string{"JWT_ACCESS_TOKEN_EXPIRE_MINUTES": "1441", "JWT_REFRESH_TOKEN_EXPIRE_DAYS": "1"}, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", VerdictError, "access tokens (1441 minutes) would outlive refresh tokens (1 days)"},
		{"access equals refresh", map[string]string{"JWT_ACCESS_TOKEN_EXPIRE_MINUTES": "1440", "JWT_REFRESH_TOKEN_EXPIRE_DAYS": "1"}, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", VerdictOK, "1440 minutes"},
		{"password min length 7", map[string]string{"PASSWORD_MIN_LENGTH": "7"}, "PASSWORD_MIN_LENGTH", VerdictError, "below the minimum of 8"},
		{"password min length 8", map[string]string{"PASSWORD_MIN_LENGTH": "8"}, "PASSWORD_MIN_LENGTH", VerdictOK, "8 characters"},
		{"password min length 100", map[string]string{"PASSWORD_MIN_LENGTH": "100"}, "PASSWORD_MIN_LENGTH", VerdictWarning, "72 bytes"},
		{"password min length text", map[string]string{"PASSWORD_MIN_LENGTH": "eight"}, "PASSWORD_MIN_LENGTH", VerdictError, "not a positive integer"},
		{"max login attempts zero", map[string]string{"MAX_LOGIN_ATTEMPTS": "0"}, "MAX_LOGIN_ATTEMPTS", VerdictError, "not a positive integer"},
		{"lockout duration text", map[string]string{"ACCOUNT_LOCKOUT_DURATION_MINUTES": "half an hour"}, "ACCOUNT_LOCKOUT_DURATION_MINUTES", VerdictError, "not a positive integer"},
		{"smtp port 0", map[string]string{"SMTP_PORT": "0"}, "SMTP_PORT", VerdictError, `"0" is not a port between 1 and 65535`},
		{"smtp port 65536", map[string]string{"SMTP_PORT": "65536"}, "SMTP_PORT", VerdictError, "between 1 and 65535"},
		{"smtp port 65535", map[string]string{"SMTP_PORT": "65535"}, "SMTP_PORT", VerdictOK, "65535"},
		{"smtp port 1", map[string]string{"SMTP_PORT": "1"}, "SMTP_PORT", VerdictOK, "1"},
		{"smtp port name", map[string]string{"SMTP_PORT": "smtp"}, "SMTP_PORT", VerdictError, "between 1 and 65535"},
		{"smtp host missing", map[string]string{"SMTP_HOST": ""}, "SMTP_HOST", VerdictError, "missing"},
		{"smtp host placeholder", map[string]string{"SMTP_HOST": "your_smtp_host"}, "SMTP_HOST", VerdictError, "placeholder"},
		{"smtp user placeholder", map[string]string{"SMTP_USER": "your_smtp_user"}, "SMTP_USER", VerdictWarning, "placeholder"},
		{"smtp user unset", map[string]string{"SMTP_USER": "", "SMTP_PASSWORD": ""}, "SMTP_USER", VerdictOK, "without SMTP authentication"},
		{"smtp password placeholder", map[string]string{"SMTP_PASSWORD": "your_smtp_password"}, "SMTP_PASSWORD", VerdictWarning, "placeholder"},
		{"smtp password empty with user", map[string]string{"SMTP_PASSWORD": ""}, "SMTP_PASSWORD", VerdictWarning, "empty while SMTP_USER is set"},
		{"from email placeholder", map[string]string{"SMTP_FROM_EMAIL": "noreply@yourapp.com"}, "SMTP_FROM_EMAIL", VerdictWarning, "placeholder"},
		{"from email missing", map[string]string{"SMTP_FROM_EMAIL": ""}, "SMTP_FROM_EMAIL", VerdictWarning, "need a sender"},
		{"from email malformed", map[string]string{"SMTP_FROM_EMAIL": "noreply"}, "SMTP_FROM_EMAIL", VerdictWarning, "not an email address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := goodEnv()
			for k, v := range tt.set {
				if v == "" {
					delete(env, k)
				} else {
					env[k] = v
				}
			}
			rep := loadEnv(t, t.TempDir(), env).CheckApp()
			k := find(t, rep, tt.key)
			if k.Status != tt.want || !strings.Contains(k.Detail, tt.detail) {
				t.Fatalf("%s = %s %q, want %s containing %q", tt.key, k.Status, k.Detail, tt.want, tt.detail)
			}
			if rep.OK != (rep.Errors == 0) || (tt.want == VerdictError && rep.OK) {
				t.Fatalf("report OK=%v with %d errors", rep.OK, rep.Errors)
			}
			for _, c := range rep.Checks {
				if c.Key != tt.key && c.Status != VerdictOK && !strings.HasPrefix(c.Key, "JWT_") {
					t.Errorf("other key %s = %s %q", c.Key, c.Status, c.Detail)
				}
				for _, secret := range []string{env["JWT_SECRET_KEY"], env["SMTP_PASSWORD"], env["SMTP_USER"]} {
					if len(secret) > 3 && strings.Contains(c.Detail, secret) {
						t.Errorf("%s detail reveals a secret: %q", c.Key, c.Detail)
					}
				}
			}
		})
	}
}

func TestCheckAppKeyFiles(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := x509.MarshalPKCS8PrivateKey(key)
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	privPath, pubPath := filepath.Join(dir, "jwt.key"), filepath.Join(dir, "jwt.pub")
	if err := os.WriteFile(privPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644); err != nil {
		t.Fatal(err)
	}
	env := goodEnv()
	delete(env, "JWT_SECRET_KEY")
	env["JWT_ALGORITHM"], env["JWT_PRIVATE_KEY_PATH"], env["JWT_PUBLIC_KEY_PATH"] = "ES256", privPath, pubPath
	rep := loadEnv(t, dir, env).CheckApp()
	if !rep.OK || rep.Warnings != 0 {
		t.Fatalf("ES256 with key files: %+v", rep)
	}
	if k := find(t, rep, "JWT_SECRET_KEY"); k.Status != VerdictOK || !strings.Contains(k.Detail, "not used") {
		t.Errorf("secret with ES256: %+v", k)
	}

	env["JWT_ALGORITHM"] = "RS256" // an EC key cannot sign RS256
	rep = loadEnv(t, dir, env).CheckApp()
	if k := find(t, rep, "JWT_ALGORITHM"); k.Status != VerdictError || !strings.Contains(k.Detail, "not a RSA key") {
		t.Errorf("RS256 with EC keys: %+v", k)
	}

	if err := os.Chmod(privPath, 0o644); err != nil {
		t.Fatal(err)
	}
	env["JWT_ALGORITHM"] = "ES256"
	rep = loadEnv(t, dir, env).CheckApp()
	if k := find(t, rep, "JWT_PRIVATE_KEY_PATH"); k.Status != VerdictWarning || !strings.Contains(k.Detail, "every local user") {
		t.Errorf("world-readable private key: %+v", k)
	}
}

func TestCheckAppWorldReadableEnvFile(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		want Verdict
	}{{0o644, VerdictWarning}, {0o604, VerdictWarning}, {0o640, VerdictOK}, {0o600, VerdictOK}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			env := goodEnv()
			var body strings.Builder
			for _, k := range []string{"SMTP_PASSWORD", "JWT_SECRET_KEY"} {
				body.WriteString(k + "=" + env[k] + "\n")
				delete(env, k)
			}
			path := filepath.Join(dir, ".env")
			if err := os.WriteFile(path, []byte(body.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			rep := loadEnv(t, dir, env).CheckApp()
			for _, key := range []string{"SMTP_PASSWORD", "JWT_SECRET_KEY"} {
				k := find(t, rep, key)
				if k.Status != tc.want || k.Source != "dotenv "+path {
					t.Fatalf("%s in a %s file: %+v", key, tc.mode, k)
				}
				if tc.want == VerdictWarning && !strings.Contains(k.Detail, "every local user can read") {
					t.Errorf("%s detail: %q", key, k.Detail)
				}
			}
			if !rep.OK {
				t.Errorf("a readable file is a warning, not an error: %+v", rep)
			}
		})
	}
}

func TestGenerateSecretPassesCheck(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		s, err := GenerateSecret()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 64 || seen[s] || isPlaceholderSecret(s) || !unquotedSafe.MatchString(s) {
			t.Fatalf("generated secret unfit: len %d, repeated %v", len(s), seen[s])
		}
		seen[s] = true
	}
}
