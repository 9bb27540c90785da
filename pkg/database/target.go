package database

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Kind names a supported database engine.
type Kind string

// The supported engines.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Target is a parsed database URL: what to open, and how to name it without
// its password.
type Target struct {
	Kind Kind
	// Path is the SQLite file.
	Path string
	// Host, Port, User, Password and Name address a PostgreSQL database;
	// Params holds the URL's query (sslmode, …).
	Host     string
	Port     int
	User     string
	Password string
	Name     string
	Params   map[string]string
}

// String is the redacted form, so a Target can be printed safely.
func (t Target) String() string { return t.Redacted() }

// Redacted names the database with any password replaced by ***.
func (t Target) Redacted() string {
	if t.Kind == SQLite {
		return "sqlite:" + t.Path
	}
	return t.url(maskPassword, nil)
}

// Identity is what makes two targets the same database, without secrets:
// the absolute file path for SQLite (the same file named from another
// directory is the same database), host:port/name for PostgreSQL.
func (t Target) Identity() string {
	if t.Kind == SQLite {
		if abs, err := filepath.Abs(t.Path); err == nil {
			return abs
		}
		return t.Path
	}
	return fmt.Sprintf("%s:%d/%s", t.Host, t.Port, t.Name)
}

// SameDatabase reports whether t and o name the same database: one file
// however its paths are written (a symlink, a relative path), or the same
// server address and database name. A source that is the target itself is
// read in the target's transaction: opening it apart would hold a reader's
// lock on the file the transaction must commit to.
func (t Target) SameDatabase(o Target) bool {
	if t.Kind != o.Kind {
		return false
	}
	if t.Kind != SQLite {
		return t.Identity() == o.Identity()
	}
	if a, err := os.Stat(t.Path); err == nil {
		if b, err := os.Stat(o.Path); err == nil {
			return os.SameFile(a, b)
		}
	}
	ta, errA := filepath.Abs(t.Path)
	oa, errB := filepath.Abs(o.Path)
	return errA == nil && errB == nil && ta == oa
}

// URLWithoutPassword is a libpq connection URI for tools such as pg_dump,
// without the password and the secret parameters: those travel separately
// (ToolEnv), never on a command line.
func (t Target) URLWithoutPassword() string { return t.url(omitPassword, nil) }

// URL is the full URL, password included, for handing the database to a
// child process (dhmig itself, in tests and the benchmark). Never print it.
func (t Target) URL() string {
	if t.Kind == SQLite {
		return "sqlite:" + t.Path
	}
	return t.url(withPassword, nil)
}

// passwordMode says what a rendered URL does with the password.
type passwordMode int

const (
	omitPassword passwordMode = iota
	maskPassword
	withPassword
)

func (t Target) url(pw passwordMode, extra map[string]string) string {
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort(t.Host, strconv.Itoa(t.Port)), Path: "/" + t.Name}
	switch {
	case t.User == "":
	case t.Password != "" && pw == maskPassword:
		u.User = url.UserPassword(t.User, "xxx") // replaced below: url escapes '*'
	case t.Password != "" && pw == withPassword:
		u.User = url.UserPassword(t.User, t.Password)
	default:
		u.User = url.User(t.User)
	}
	u.RawQuery = t.query(pw, extra)
	s := u.String()
	if pw == maskPassword && t.Password != "" {
		s = strings.Replace(s, ":xxx@", ":"+Mask+"@", 1)
	}
	return s
}

// query renders the parameters sorted by key (stable output), with secret
// parameters masked or left out as pw says.
func (t Target) query(pw passwordMode, extra map[string]string) string {
	all := map[string]string{}
	for k, v := range t.Params {
		all[k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	var parts []string
	for _, k := range sortedKeys(all) {
		v := url.QueryEscape(all[k])
		if IsSecretParam(all, k) {
			switch pw {
			case omitPassword:
				continue
			case maskPassword:
				v = Mask
			}
		}
		parts = append(parts, url.QueryEscape(k)+"="+v)
	}
	return strings.Join(parts, "&")
}
