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

// urlError names the problem and the accepted forms, never the URL nor a
// piece of it: a password with a raw #, ? or / lands in whatever part the
// parser complains about (host, port, path).
func urlError(problem string) error {
	return fmt.Errorf("%w: database URL: %s (%s)", ErrInvalid, problem, AcceptedURLForms)
}

// ParseDatabaseURL turns any accepted database URL into a database.Target.
// It never touches the filesystem or the network.
func ParseDatabaseURL(raw string) (database.Target, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return database.Target{}, urlError("empty URL")
	}
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "sqlite:"):
		return sqliteTarget(sqlitePathFromURL(s[len("sqlite:"):]))
	case strings.HasPrefix(lower, "file:"):
		p := s[len("file:"):]
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		p = strings.TrimPrefix(p, "//")
		return sqliteTarget(p)
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"),
		strings.HasPrefix(lower, "postgresql+"):
		return postgresTarget(s)
	case !strings.Contains(s, "://") && hasSQLiteExt(s):
		return sqliteTarget(s)
	}
	if i := strings.Index(s, "://"); i > 0 {
		return database.Target{}, urlError("unknown scheme")
	}
	return database.Target{}, urlError("not a URL nor a path ending in .db, .sqlite or .sqlite3")
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

func sqliteTarget(p string) (database.Target, error) {
	if p == "" {
		return database.Target{}, urlError("no file path")
	}
	if p == ":memory:" || strings.HasPrefix(p, ":memory:") {
		return database.Target{}, urlError("an in-memory database cannot be migrated")
	}
	clean := filepath.Clean(p)
	return database.Target{Kind: database.SQLite, Path: clean}, nil
}

func postgresTarget(s string) (database.Target, error) {
	i := strings.Index(s, "://")
	if i < 0 {
		return database.Target{}, urlError("missing //host")
	}
	scheme := strings.ToLower(s[:i])
	if scheme != "postgres" && scheme != "postgresql" && !strings.HasPrefix(scheme, "postgresql+") {
		return database.Target{}, urlError("unknown scheme")
	}
	u, err := url.Parse("postgres" + s[i:])
	if err != nil {
		// url.Parse quotes the part it rejects, which may be a password's.
		return database.Target{}, urlError("it cannot be parsed; percent-encode any of : / ? # @ % [ ] in the user name or password (# as %23, ? as %3F, / as %2F)")
	}
	t := database.Target{Kind: database.Postgres, Host: u.Hostname(), Port: 5432}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return database.Target{}, urlError("the port is not a number from 1 to 65535; percent-encode any of : / ? # @ in the password")
		}
		t.Port = n
	}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	t.Name = strings.TrimPrefix(u.Path, "/")
	if t.Name == "" {
		return database.Target{}, urlError("no database name in the path")
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
