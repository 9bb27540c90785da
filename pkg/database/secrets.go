package database

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The secrets of a database URL are its password and the values of its
// password-like parameters. This file is the one place that says which they
// are and how they are masked; every rendering, error and child process
// goes through it.

// Mask replaces a secret wherever dhmig shows text.
const Mask = "***"

// IsSecretParam reports whether the connection parameter name, in a URL
// whose parameters are params, holds a secret: password and sslpassword
// (libpq; lib/pq reads password), and sslkey when lib/pq's sslinline makes
// it the private key itself rather than its path. passfile, sslcert,
// sslrootcert and a path in sslkey name files and are not secrets.
func IsSecretParam(params map[string]string, name string) bool {
	switch strings.ToLower(name) {
	case "password", "sslpassword":
		return true
	case "sslkey":
		return inlineKeys(params)
	}
	return false
}

// inlineKeys reports lib/pq's sslinline: anything but a clear "false" counts,
// so that a doubtful spelling masks rather than shows a key.
func inlineKeys(params map[string]string) bool {
	for k, v := range params {
		if strings.EqualFold(k, "sslinline") {
			b, err := strconv.ParseBool(v)
			return err != nil || b
		}
	}
	return false
}

// Secrets are the target's secret values: the password and every secret
// parameter. Callers mask them with Redact.
func (t Target) Secrets() []string {
	var out []string
	if t.Password != "" {
		out = append(out, t.Password)
	}
	for _, k := range sortedKeys(t.Params) {
		if v := t.Params[k]; v != "" && IsSecretParam(t.Params, k) {
			out = append(out, v)
		}
	}
	return out
}

// EffectivePassword is the password a client uses: a password parameter
// overrides the one in the userinfo, as in libpq.
func (t Target) EffectivePassword() string {
	for _, k := range sortedKeys(t.Params) {
		if strings.EqualFold(k, "password") {
			return t.Params[k]
		}
	}
	return t.Password
}

// RedactText masks the target's secrets inside msg (a driver's or a client
// program's message).
func (t Target) RedactText(msg string) string { return Redact(msg, t.Secrets()...) }

// Redact masks every secret inside msg, longest first so that a secret
// containing another is masked whole, and each also in its URL-escaped
// forms, which is how it appears inside a URL a driver quotes back.
func Redact(msg string, secrets ...string) string {
	var all []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		all = append(all, s, url.QueryEscape(s), url.PathEscape(s), url.UserPassword("", s).String()[1:])
	}
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	for _, s := range all {
		if s != "" && s != ":" {
			msg = strings.ReplaceAll(msg, s, Mask)
		}
	}
	return msg
}

// RedactURL masks the password and the secret parameters of a URL-looking
// string. It works without parsing, so a URL the parser rejects (a raw #
// or ? inside the password) is masked too; when unsure it masks more.
func RedactURL(raw string) string {
	spans := urlSecretSpans(raw)
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(raw[last:sp[0]])
		b.WriteString(Mask)
		last = sp[1]
	}
	b.WriteString(raw[last:])
	return b.String()
}

// URLSecrets are the secret values in a URL-looking string, as written and
// unescaped, for masking a URL that may not parse.
func URLSecrets(raw string) []string {
	var out []string
	for _, sp := range urlSecretSpans(raw) {
		v := raw[sp[0]:sp[1]]
		out = append(out, v)
		if u, err := url.QueryUnescape(v); err == nil && u != v {
			out = append(out, u)
		}
	}
	return out
}

// urlSecretSpans finds the byte ranges of secret values in raw: the
// userinfo password (up to the last @, since a raw password may hold
// # ? / or @) and the values of secret query parameters after it.
func urlSecretSpans(raw string) [][2]int {
	i := strings.Index(raw, "://")
	if i < 0 {
		return nil
	}
	start := i + 3
	var spans [][2]int
	rest := start
	if at := strings.LastIndex(raw[start:], "@"); at >= 0 {
		userinfo := raw[start : start+at]
		if c := strings.IndexByte(userinfo, ':'); c >= 0 {
			spans = append(spans, [2]int{start + c + 1, start + at})
		}
		rest = start + at + 1
	}
	q := strings.IndexByte(raw[rest:], '?')
	if q < 0 {
		return spans
	}
	qs := rest + q + 1
	qe := len(raw)
	if h := strings.IndexByte(raw[qs:], '#'); h >= 0 {
		qe = qs + h
	}
	type pair struct {
		key        string
		start, end int // the value's span
	}
	var pairs []pair
	params := map[string]string{}
	for off := qs; off <= qe; {
		end := strings.IndexByte(raw[off:qe], '&')
		if end < 0 {
			end = qe - off
		}
		kv := raw[off : off+end]
		if eq := strings.IndexByte(kv, '='); eq >= 0 {
			k := kv[:eq]
			if uk, err := url.QueryUnescape(k); err == nil {
				k = uk
			}
			pairs = append(pairs, pair{k, off + eq + 1, off + end})
			params[k] = kv[eq+1:]
		}
		off += end + 1
	}
	for _, p := range pairs {
		if IsSecretParam(params, p.key) && p.end > p.start {
			spans = append(spans, [2]int{p.start, p.end})
		}
	}
	return spans
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
