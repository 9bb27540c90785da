package config

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dhafnckmcp/dhmig/pkg/token"
)

// Verdict is the outcome of one application setting's check.
type Verdict string

// The verdicts of CheckApp; only errors make `config check` fail.
const (
	VerdictOK      Verdict = "ok"
	VerdictWarning Verdict = "warning"
	VerdictError   Verdict = "error"
)

// KeyCheck is the verdict on one of the guide's Step 3 settings. Detail
// never contains a secret or password value.
type KeyCheck struct {
	Key     string  `json:"key"`     // the guide's name, e.g. JWT_SECRET_KEY
	Setting string  `json:"setting"` // dhmig's key, e.g. jwt_secret_key
	Status  Verdict `json:"status"`
	Source  string  `json:"source"`
	Detail  string  `json:"detail"`
}

// AppReport is the result of CheckApp.
type AppReport struct {
	EnvFile    string     `json:"env_file"`
	ConfigFile string     `json:"config_file"`
	OK         bool       `json:"ok"`
	Errors     int        `json:"errors"`
	Warnings   int        `json:"warnings"`
	Checks     []KeyCheck `json:"checks"`
}

// MinSecretBytes is the shortest JWT_SECRET_KEY accepted for HS256.
const MinSecretBytes = 32

// MinPasswordLength is the lowest PASSWORD_MIN_LENGTH accepted.
const MinPasswordLength = 8

// CheckApp validates the application's JWT, SMTP and security settings (the
// guide's Step 3) as they are effectively configured, key by key.
func (c *Config) CheckApp() AppReport {
	a := &appCheck{c: c}
	alg := strings.TrimSpace(c.Get("jwt_algorithm"))
	a.secret(alg)
	a.algorithm(alg)
	if token.IsKeyFile(alg) {
		a.keyFile("jwt_private_key_path", alg, "to sign tokens")
		a.keyFile("jwt_public_key_path", alg, "to verify tokens")
	}
	a.lifetimes()
	a.smtp()
	a.security()
	a.notify()

	rep := AppReport{EnvFile: c.EnvFile, ConfigFile: c.ConfigFile, Checks: a.checks}
	for _, k := range rep.Checks {
		switch k.Status {
		case VerdictError:
			rep.Errors++
		case VerdictWarning:
			rep.Warnings++
		}
	}
	rep.OK = rep.Errors == 0
	return rep
}

// appCheck collects findings per key; a key's verdict is its worst finding.
type appCheck struct {
	c      *Config
	checks []KeyCheck
}

func (a *appCheck) add(key string, v Verdict, format string, args ...any) {
	detail := fmt.Sprintf(format, args...)
	for i := range a.checks {
		if a.checks[i].Setting == key {
			k := &a.checks[i]
			if rank(v) > rank(k.Status) {
				k.Status = v
			}
			k.Detail += "; " + detail
			return
		}
	}
	a.checks = append(a.checks, KeyCheck{Key: strings.ToUpper(key), Setting: key, Status: v,
		Source: a.c.Source(key).String(), Detail: detail})
}

func rank(v Verdict) int {
	return map[Verdict]int{VerdictOK: 0, VerdictWarning: 1, VerdictError: 2}[v]
}

func (a *appCheck) get(key string) string { return strings.TrimSpace(a.c.Get(key)) }

func (a *appCheck) secret(alg string) {
	const key = "jwt_secret_key"
	s := a.c.Get(key)
	if token.IsKeyFile(alg) {
		a.add(key, VerdictOK, "not used: %s signs with JWT_PRIVATE_KEY_PATH", alg)
		return
	}
	switch {
	case strings.TrimSpace(s) == "":
		a.add(key, VerdictError, "missing: generate one with dhmig config init")
		return
	case isPlaceholderSecret(s):
		a.add(key, VerdictError, "is a placeholder such as the guide's example value: generate a random one with dhmig config init")
	case len(s) < MinSecretBytes:
		a.add(key, VerdictError, "is %d bytes: at least %d random bytes are required", len(s), MinSecretBytes)
	case distinctBytes(s) < 8:
		a.add(key, VerdictError, "is %d bytes of only %d distinct characters: not a random secret", len(s), distinctBytes(s))
	case !utf8.ValidString(s):
		a.add(key, VerdictError, "is not UTF-8 text: its strength cannot be estimated; generate one with dhmig config init")
	default:
		switch g := secretGuessesLog10(s); {
		case g < MinSecretGuessesLog10:
			a.add(key, VerdictError, "is %d bytes but guessable in about 10^%.0f tries (~%.0f bits: repeats, sequences, words or keyboard walks): generate a random one with dhmig config init",
				len(s), g, g*math.Log2(10))
		case g < GoodSecretGuessesLog10:
			a.add(key, VerdictWarning, "is %d bytes with an estimated ~%.0f bits of entropy: at least ~100 bits (a random secret from dhmig config init) is advised",
				len(s), g*math.Log2(10))
		default:
			a.add(key, VerdictOK, "%d bytes (not shown)", len(s))
		}
	}
	if want := hashBytes(alg); len(s) >= MinSecretBytes && len(s) < want {
		a.add(key, VerdictWarning, "%s should have a secret of at least %d bytes, its hash size (RFC 7518 §3.2)", alg, want)
	}
	a.worldReadable(key)
}

func hashBytes(alg string) int {
	switch alg {
	case "HS384":
		return 48
	case "HS512":
		return 64
	}
	return 32
}

func distinctBytes(s string) int {
	seen := map[byte]bool{}
	for i := 0; i < len(s); i++ {
		seen[s[i]] = true
	}
	return len(seen)
}

// placeholderMarkers are long or unusual enough that a random base64url
// secret practically never contains one (GenerateSecret also retries).
var placeholderMarkers = []string{
	"your_", "your-", "yoursecret", "change_this", "change-this", "changethis", "change_me", "change-me",
	"changeme", "changeit", "replace_me", "replace-me", "replaceme", "placeholder", "example", "secret_key_here",
	"secret-key-here", "<", ">", "xxxxxxxx", "fixme", "dummy", "insecure", "test-key", "test_key",
}

// isPlaceholderSecret recognises the guide's example secret
// (your_super_secret_jwt_key_change_this_in_production) and the other
// values people leave in templates: "change me", "<secret>", "secret"…
func isPlaceholderSecret(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	switch l {
	case "secret", "jwt_secret", "jwt_secret_key", "password", "supersecret", "super_secret", "default", "test":
		return true
	}
	for _, m := range placeholderMarkers {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

func (a *appCheck) algorithm(alg string) {
	const key = "jwt_algorithm"
	switch {
	case token.IsHMAC(alg) || token.IsKeyFile(alg):
		if alg != strings.ToUpper(alg) {
			a.add(key, VerdictError, "%q: algorithm names are case-sensitive, write %s", alg, strings.ToUpper(alg))
			return
		}
		if token.IsHMAC(alg) {
			a.add(key, VerdictOK, "%s signs with JWT_SECRET_KEY", alg)
			return
		}
		_, err := token.LoadKeys(token.KeyOptions{Algorithm: alg, PrivateKeyPath: a.get("jwt_private_key_path"),
			PublicKeyPath: a.get("jwt_public_key_path")})
		switch {
		case err != nil:
			a.add(key, VerdictError, "%s needs readable key files: %v", alg, strings.TrimPrefix(err.Error(), token.ErrKey.Error()+": "))
		case a.get("jwt_private_key_path") == "":
			a.add(key, VerdictError, "%s needs JWT_PRIVATE_KEY_PATH to sign tokens", alg)
		default:
			a.add(key, VerdictOK, "%s signs with JWT_PRIVATE_KEY_PATH and verifies with JWT_PUBLIC_KEY_PATH", alg)
		}
	case alg == "":
		a.add(key, VerdictError, "missing: use HS256")
	default:
		a.add(key, VerdictError, "%q is not supported: use %s (or %s with key files)", alg,
			strings.Join(token.HMACAlgorithms, ", "), strings.Join(token.KeyFileAlgorithms, ", "))
	}
}

func (a *appCheck) keyFile(key, alg, purpose string) {
	p := a.get(key)
	if p == "" {
		a.add(key, VerdictError, "missing: %s needs a PEM key file %s", alg, purpose)
		return
	}
	st, err := os.Stat(p)
	switch {
	case err != nil:
		a.add(key, VerdictError, "%s does not exist or cannot be read", p)
	case !st.Mode().IsRegular():
		a.add(key, VerdictError, "%s is not a regular file", p)
	case key == "jwt_private_key_path" && worldReadable(st.Mode()):
		a.add(key, VerdictWarning, "%s can be read by every local user (mode %04o): chmod 600 it", p, st.Mode().Perm())
	default:
		a.add(key, VerdictOK, "%s exists", p)
	}
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// positiveInt parses what the app's pydantic int settings accept, limited to
// values above zero.
func positiveInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if !digits.MatchString(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

func (a *appCheck) intSetting(key, unit string) (int, bool) {
	raw := a.get(key)
	n, ok := positiveInt(raw)
	if !ok {
		a.add(key, VerdictError, "%q is not a positive integer", raw)
		return 0, false
	}
	a.add(key, VerdictOK, "%d %s", n, unit)
	return n, true
}

func (a *appCheck) lifetimes() {
	access, okA := a.intSetting("jwt_access_token_expire_minutes", "minutes")
	refresh, okR := a.intSetting("jwt_refresh_token_expire_days", "days")
	if okA && okR && access > refresh*24*60 {
		a.add("jwt_access_token_expire_minutes", VerdictError,
			"access tokens (%d minutes) would outlive refresh tokens (%d days)", access, refresh)
	}
}

func (a *appCheck) smtp() {
	host := a.get("smtp_host")
	switch {
	case host == "":
		a.add("smtp_host", VerdictError, "missing: verification and password-reset mails cannot be sent")
	case isPlaceholder(host):
		a.add("smtp_host", VerdictError, "%q is a placeholder: set the mail server's host name", host)
	default:
		a.add("smtp_host", VerdictOK, "%s", host)
	}

	raw := a.get("smtp_port")
	if n, ok := positiveInt(raw); !ok || n > 65535 {
		a.add("smtp_port", VerdictError, "%q is not a port between 1 and 65535", raw)
	} else {
		a.add("smtp_port", VerdictOK, "%d", n)
	}

	user := a.get("smtp_user")
	switch {
	case user == "":
		a.add("smtp_user", VerdictOK, "not set: mail is sent without SMTP authentication")
	case isPlaceholder(user):
		a.add("smtp_user", VerdictWarning, "is a placeholder (not shown): set the SMTP account")
	default:
		a.add("smtp_user", VerdictOK, "set (not shown)")
	}

	pw := a.c.Get("smtp_password")
	switch {
	case pw == "" && user != "":
		a.add("smtp_password", VerdictWarning, "empty while SMTP_USER is set")
	case pw == "":
		a.add("smtp_password", VerdictOK, "not set")
	case isPlaceholder(pw):
		a.add("smtp_password", VerdictWarning, "is a placeholder (not shown): set the SMTP account's password")
	default:
		a.add("smtp_password", VerdictOK, "set (not shown)")
	}
	a.worldReadable("smtp_password")

	from := a.get("smtp_from_email")
	at := strings.LastIndexByte(from, '@')
	switch {
	case from == "":
		a.add("smtp_from_email", VerdictWarning, "not set: verification and reset mails need a sender address")
	case at <= 0 || at == len(from)-1 || strings.ContainsAny(from, " \t"):
		a.add("smtp_from_email", VerdictWarning, "%q is not an email address", from)
	case isPlaceholder(from) || strings.HasSuffix(from, "@yourapp.com"):
		a.add("smtp_from_email", VerdictWarning, "%q is the guide's placeholder: use your own domain", from)
	default:
		a.add("smtp_from_email", VerdictOK, "%s", from)
	}
}

// isPlaceholder recognises the guide's SMTP placeholders (your_smtp_host…).
func isPlaceholder(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "your_") || strings.HasPrefix(l, "your-") || slices.Contains([]string{"changeme", "change_me", "placeholder"}, l)
}

func (a *appCheck) security() {
	if n, ok := a.intSetting("password_min_length", "characters"); ok {
		switch {
		case n < MinPasswordLength:
			a.add("password_min_length", VerdictError, "below the minimum of %d", MinPasswordLength)
		case n > 72:
			a.add("password_min_length", VerdictWarning, "bcrypt ignores everything past 72 bytes")
		}
	}
	a.intSetting("max_login_attempts", "attempts")
	a.intSetting("account_lockout_duration_minutes", "minutes")
}

// worldReadable warns when a secret setting is stored in a file that every
// local user can read: the .env file whenever it holds the value, the
// config file when the value comes from it.
func (a *appCheck) worldReadable(key string) {
	up := strings.ToUpper(key)
	var files []string
	if a.c.EnvFile != "" && (a.c.EnvFileValues[up] != "" || a.c.EnvFileValues["DHMIG_"+up] != "") {
		files = append(files, a.c.EnvFile)
	}
	if src := a.c.Source(key); src.Layer == "config" && a.c.Get(key) != "" {
		files = append(files, src.Name)
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err == nil && worldReadable(st.Mode()) {
			a.add(key, VerdictWarning, "%s is stored in %s, which every local user can read (mode %04o): chmod 600 %s",
				up, f, st.Mode().Perm(), f)
		}
	}
}

func worldReadable(m os.FileMode) bool {
	return runtime.GOOS != "windows" && m.Perm()&0o004 != 0
}
