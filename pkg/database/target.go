package database

import (
	"fmt"
	"net/url"
	"sort"
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
	// Display is the password-free form shown to people.
	Display string
}

// String is the redacted form, so a Target can be printed safely.
func (t Target) String() string { return t.Redacted() }

// Redacted names the database with any password replaced by ***.
func (t Target) Redacted() string {
	if t.Kind == SQLite {
		return "sqlite:" + t.Path
	}
	return t.url(true, nil)
}

// Identity is what makes two targets the same database, without secrets:
// the file path for SQLite, host:port/name for PostgreSQL.
func (t Target) Identity() string {
	if t.Kind == SQLite {
		return t.Path
	}
	return fmt.Sprintf("%s:%d/%s", t.Host, t.Port, t.Name)
}

// URLWithoutPassword is a libpq connection URI for tools such as pg_dump;
// the password must travel separately (PGPASSWORD).
func (t Target) URLWithoutPassword() string { return t.url(false, nil) }

func (t Target) url(redact bool, extra map[string]string) string {
	u := url.URL{Scheme: "postgres", Host: t.Host + ":" + strconv.Itoa(t.Port), Path: "/" + t.Name}
	if t.User != "" {
		switch {
		case t.Password != "" && redact:
			u.User = url.UserPassword(t.User, "xxx")
		case t.Password != "" && extra != nil: // a driver DSN carries it
			u.User = url.UserPassword(t.User, t.Password)
		default:
			u.User = url.User(t.User)
		}
	}
	q := url.Values{}
	for k, v := range t.Params {
		q.Set(k, v)
	}
	for k, v := range extra {
		q.Set(k, v)
	}
	u.RawQuery = encodeSorted(q)
	s := u.String()
	if redact && t.Password != "" {
		s = strings.Replace(s, ":xxx@", ":***@", 1)
	}
	return s
}

func encodeSorted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(q.Get(k)))
	}
	return b.String()
}
