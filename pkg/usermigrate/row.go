package usermigrate

import (
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/password"
)

// legacyRow is one source row as scanned.
type legacyRow struct {
	ID        sql.NullString
	Email     sql.NullString
	Username  sql.NullString
	Hash      sql.NullString
	CreatedAt any
	IsActive  any
}

func (r *legacyRow) scan(rows *sqlx.Rows) error {
	*r = legacyRow{}
	return rows.Scan(&r.ID, &r.Email, &r.Username, &r.Hash, &r.CreatedAt, &r.IsActive)
}

// mapped is a row after the mapping of DESIGN.md, or the reason it cannot
// be mapped. Both passes compute it from the row alone, so they agree.
type mapped struct {
	id        string
	email     string // as stored: trimmed, lowercased unless preserve
	username  string // trimmed
	hash      string
	scheme    password.Scheme
	createdAt time.Time
	nullTime  bool // created_at was NULL: the run's start stands in
	active    bool
	problem   string // a reject code, or ""
}

// mapRow applies the mapping and the checks that need only the row itself.
func mapRow(r *legacyRow, o *Options) mapped {
	m := mapped{id: r.ID.String}
	if !r.ID.Valid {
		m.problem = CodeMissingID
		return m
	}
	email := strings.TrimSpace(r.Email.String)
	if o.EmailCase == EmailLower {
		email = strings.ToLower(email)
	}
	m.email = email
	m.username = strings.TrimSpace(r.Username.String)
	m.hash = r.Hash.String
	m.scheme = password.Detect(m.hash)
	switch {
	case email == "":
		m.problem = CodeMissingEmail
	case utf8.RuneCountInString(email) > MaxEmailLen:
		m.problem = CodeTooLongEmail
	case !validEmail(email):
		m.problem = CodeInvalidEmail
	case m.username == "":
		m.problem = CodeMissingUsername
	case utf8.RuneCountInString(m.username) > MaxUsernameLen:
		m.problem = CodeTooLongUsername
	}
	if m.problem != "" {
		return m
	}
	var ok bool
	if m.createdAt, m.nullTime, ok = parseTime(r.CreatedAt); !ok {
		m.problem = CodeInvalidCreatedAt
		return m
	}
	if m.nullTime {
		m.createdAt = o.Now
	}
	if m.active, ok = parseBool(r.IsActive); !ok {
		m.problem = CodeInvalidIsActive
		return m
	}
	if m.scheme != password.SchemeBcrypt && m.scheme != password.SchemeEmpty && o.UnsupportedHash == HashFail {
		m.problem = CodeUnsupportedHash
	}
	return m
}

// decide turns a mapped row without problems into its migration status.
func (m *mapped) decide(o *Options) status {
	switch m.scheme {
	case password.SchemeBcrypt:
		return stCopy
	case password.SchemeEmpty:
		return stTemp
	}
	if o.UnsupportedHash == HashKeep {
		return stKeep
	}
	return stReset
}

// validEmail reports whether the application would accept s: its own email
// rule (the Email value object of fastmcp's auth domain),
// ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$, which verify checks in
// SQL (Dialect.ValidEmailSQL), so what the copy accepts, verify accepts.
// Written out by hand: the regular expression cost a microsecond a row, the
// largest single cost of mapping a million rows; TestValidEmailMatchesRule
// holds the two to the same answers.
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 1 {
		return false
	}
	for i := 0; i < at; i++ {
		if !emailLocal[s[i]] {
			return false
		}
	}
	// The domain is [a-zA-Z0-9.-]+ then a dot and two or more letters: the
	// letters hold no dot, so that dot is the domain's last.
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	if dot < 1 || len(domain)-dot-1 < 2 {
		return false
	}
	for i := 0; i < dot; i++ {
		if !emailDomain[domain[i]] {
			return false
		}
	}
	for i := dot + 1; i < len(domain); i++ {
		if c := domain[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// emailLocal and emailDomain are the byte classes of the local part and of
// the domain before its last dot; every other byte (any non-ASCII one too)
// is outside the rule.
var emailLocal, emailDomain = func() (l, d [256]bool) {
	for c := 0; c < 256; c++ {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		l[c] = alnum || strings.IndexByte("._%+-", byte(c)) >= 0
		d[c] = alnum || c == '.' || c == '-'
	}
	return l, d
}()

// timeLayouts are the text forms legacy timestamps come in (SQLite stores
// text; PostgreSQL hands time.Time to the driver).
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime reads a created_at value; naive times are UTC, the app's
// convention (datetime.utcnow()).
func parseTime(v any) (t time.Time, null, ok bool) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, true, true
	case time.Time:
		// go-sqlite3 turns unparseable text into the zero time.
		return x.UTC(), false, !x.IsZero()
	case int64:
		return time.Unix(x, 0).UTC(), false, true
	case float64:
		sec := int64(x)
		return time.Unix(sec, int64((x-float64(sec))*1e9)).UTC(), false, true
	case []byte:
		return parseTime(string(x))
	case string:
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(x), "Z"))
		if s == "" {
			return time.Time{}, true, true
		}
		if strings.HasSuffix(strings.TrimSpace(x), "Z") {
			s += "Z"
		}
		for _, l := range timeLayouts {
			if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
				return t.UTC(), false, true
			}
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC(), false, true
		}
	}
	return time.Time{}, false, false
}

// parseBool reads is_active; NULL means not active.
func parseBool(v any) (b, ok bool) {
	switch x := v.(type) {
	case nil:
		return false, true
	case bool:
		return x, true
	case int64:
		return x != 0, true
	case float64:
		return x != 0, true
	case []byte:
		return parseBool(string(x))
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "t", "true", "y", "yes", "on":
			return true, true
		case "0", "f", "false", "n", "no", "off", "":
			return false, true
		}
	}
	return false, false
}
