package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// ErrInvalid marks a configuration error: a bad URL, value or file. The CLI
// maps it to exit code 2.
var ErrInvalid = errors.New("invalid configuration")

// AcceptedURLForms is shown whenever a database URL is rejected.
const AcceptedURLForms = "accepted forms: sqlite:///relative/path.db, sqlite:////abs/path.db, sqlite:path.db, " +
	"file:path.db, a path ending in .db/.sqlite/.sqlite3, postgres://user:pass@host:5432/db, " +
	"postgresql://…, postgresql+psycopg2://… (any postgresql+driver://)"

func urlError(raw, format string, args ...any) error {
	return fmt.Errorf("%w: database URL %q: %s (%s)", ErrInvalid, RedactURL(raw), fmt.Sprintf(format, args...), AcceptedURLForms)
}

// ParseDatabaseURL turns any accepted database URL into a database.Target.
// It never touches the filesystem or the network.
func ParseDatabaseURL(raw string) (database.Target, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return database.Target{}, urlError(raw, "empty URL")
	}
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "sqlite:"):
		return sqliteTarget(raw, sqlitePathFromURL(s[len("sqlite:"):]))
	case strings.HasPrefix(lower, "file:"):
		p := s[len("file:"):]
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		p = strings.TrimPrefix(p, "//")
		return sqliteTarget(raw, p)
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"),
		strings.HasPrefix(lower, "postgresql+"):
		return postgresTarget(raw, s)
	case !strings.Contains(s, "://") && hasSQLiteExt(s):
		return sqliteTarget(raw, s)
	}
	if i := strings.Index(s, "://"); i > 0 {
		return database.Target{}, urlError(raw, "unknown scheme %q", s[:i])
	}
	return database.Target{}, urlError(raw, "not a URL nor a path ending in .db, .sqlite or .sqlite3")
}

func hasSQLiteExt(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".db", ".sqlite", ".sqlite3":
		return true
	}
	return false
}

// sqlitePathFromURL follows SQLAlchemy: after "sqlite:", "///x" is the
// relative path x, "////x" the absolute path /x, and a bare "x" is relative.
func sqlitePathFromURL(rest string) string {
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		if strings.HasPrefix(rest, "/") {
			return rest[1:] // "/relative" or "//abs" → "relative" or "/abs"
		}
		return "" // sqlite://host/… has no meaning for a file database
	}
	return rest
}

func sqliteTarget(raw, p string) (database.Target, error) {
	if p == "" {
		return database.Target{}, urlError(raw, "no file path")
	}
	if p == ":memory:" || strings.HasPrefix(p, ":memory:") {
		return database.Target{}, urlError(raw, "an in-memory database cannot be migrated")
	}
	clean := filepath.Clean(p)
	return database.Target{Kind: database.SQLite, Path: clean}, nil
}

func postgresTarget(raw, s string) (database.Target, error) {
	i := strings.Index(s, "://")
	if i < 0 {
		return database.Target{}, urlError(raw, "missing //host")
	}
	scheme := strings.ToLower(s[:i])
	if scheme != "postgres" && scheme != "postgresql" && !strings.HasPrefix(scheme, "postgresql+") {
		return database.Target{}, urlError(raw, "unknown scheme %q", scheme)
	}
	u, err := url.Parse("postgres" + s[i:])
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return database.Target{}, urlError(raw, "%s", redactSecretIn(err.Error(), s))
	}
	t := database.Target{Kind: database.Postgres, Host: u.Hostname(), Port: 5432}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return database.Target{}, urlError(raw, "bad port %q", p)
		}
		t.Port = n
	}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	t.Name = strings.TrimPrefix(u.Path, "/")
	if t.Name == "" {
		return database.Target{}, urlError(raw, "no database name in the path")
	}
	if t.Host == "" {
		t.Host = "localhost"
	}
	t.Params = map[string]string{}
	for k, vs := range u.Query() {
		if len(vs) > 0 {
			t.Params[k] = vs[len(vs)-1]
		}
	}
	return t, nil
}

// RedactURL hides the password of any URL-looking string as ***. Strings it
// cannot parse come back with everything between "://" and "@" masked.
func RedactURL(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := raw[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	userinfo := rest[:at]
	if c := strings.IndexByte(userinfo, ':'); c >= 0 {
		userinfo = userinfo[:c] + ":***"
	}
	return raw[:i+3] + userinfo + rest[at:]
}

func redactSecretIn(msg, raw string) string {
	u := RedactURL(raw)
	if u == raw {
		return msg
	}
	i := strings.Index(raw, "://")
	rest := raw[i+3:]
	at := strings.LastIndex(rest, "@")
	if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
		if pw := rest[c+1 : at]; pw != "" {
			msg = strings.ReplaceAll(msg, pw, "***")
		}
	}
	return msg
}
