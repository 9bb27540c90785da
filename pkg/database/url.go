package database

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrInvalidURL marks a database URL that cannot be used: the configuration
// layer reports it as a configuration error (exit 2).
var ErrInvalidURL = errors.New("database URL")

// acceptedURLForms is shown whenever a database URL is rejected.
const acceptedURLForms = "accepted forms: sqlite:///relative/path.db, sqlite:////abs/path.db, sqlite:path.db, " +
	"file:path.db, a path ending in .db/.sqlite/.sqlite3, postgres://user:pass@host:5432/db, " +
	"postgresql://…, postgresql+psycopg2://… (any postgresql+driver://)"

// urlForm is one way of writing a database URL: the lower-case prefix that
// announces it and the parser that turns the whole URL into a Target.
type urlForm struct {
	prefix string
	parse  func(raw string) (Target, error)
}

// urlForms is the scheme registry, tried in order. A new engine adds its
// schemes here and nowhere else.
var urlForms = []urlForm{
	{"sqlite:", func(s string) (Target, error) { return sqliteTarget(sqlitePathFromURL(s[len("sqlite:"):])) }},
	{"file:", func(s string) (Target, error) { return sqliteTarget(filePathFromURL(s[len("file:"):])) }},
	{"postgres://", postgresTarget},
	{"postgresql://", postgresTarget},
	{"postgresql+", postgresTarget}, // SQLAlchemy's postgresql+driver://
}

// urlError names the problem and the accepted forms, never the URL nor a
// piece of it: a password with a raw #, ? or / lands in whatever part the
// parser complains about (host, port, path).
func urlError(problem string) error {
	return fmt.Errorf("%w: %s (%s)", ErrInvalidURL, problem, acceptedURLForms)
}

// ParseURL turns any accepted database URL into a Target. It never touches
// the filesystem or the network.
func ParseURL(raw string) (Target, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Target{}, urlError("empty URL")
	}
	lower := strings.ToLower(s)
	for _, f := range urlForms {
		if strings.HasPrefix(lower, f.prefix) {
			return f.parse(s)
		}
	}
	if !strings.Contains(s, "://") && hasSQLiteExt(s) {
		return sqliteTarget(s)
	}
	if i := strings.Index(s, "://"); i > 0 {
		return Target{}, urlError("unknown scheme")
	}
	return Target{}, urlError("not a URL nor a path ending in .db, .sqlite or .sqlite3")
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

// filePathFromURL reads SQLite's own file: URIs, query dropped.
func filePathFromURL(rest string) string {
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimPrefix(rest, "//")
}

func sqliteTarget(p string) (Target, error) {
	if p == "" {
		return Target{}, urlError("no file path")
	}
	if strings.HasPrefix(p, ":memory:") {
		return Target{}, urlError("an in-memory database cannot be migrated")
	}
	return Target{Kind: SQLite, Path: filepath.Clean(p)}, nil
}

func postgresTarget(s string) (Target, error) {
	i := strings.Index(s, "://")
	if i < 0 {
		return Target{}, urlError("missing //host")
	}
	scheme := strings.ToLower(s[:i])
	if scheme != "postgres" && scheme != "postgresql" && !strings.HasPrefix(scheme, "postgresql+") {
		return Target{}, urlError("unknown scheme")
	}
	u, err := url.Parse("postgres" + s[i:])
	if err != nil {
		// url.Parse quotes the part it rejects, which may be a password's.
		return Target{}, urlError("it cannot be parsed; percent-encode any of : / ? # @ % [ ] in the user name or password (# as %23, ? as %3F, / as %2F)")
	}
	t := Target{Kind: Postgres, Host: u.Hostname(), Port: 5432}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, urlError("the port is not a number from 1 to 65535; percent-encode any of : / ? # @ in the password")
		}
		t.Port = n
	}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	t.Name = strings.TrimPrefix(u.Path, "/")
	if t.Name == "" {
		return Target{}, urlError("no database name in the path")
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
