package usermigrate

import (
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/target"
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

// mapRow applies the mapping and the checks that need only the row itself,
// each by the rule book's definition (pkg/target).
func mapRow(r *legacyRow, o *Options) mapped {
	m := mapped{id: r.ID.String}
	rules := o.Target.Rules
	if !r.ID.Valid {
		m.problem = CodeMissingID
		return m
	}
	email := target.Trim(r.Email.String)
	if o.EmailCase == EmailLower {
		email = target.LowerASCII(email)
	}
	m.email = email
	m.username = target.CanonUsername(r.Username.String)
	m.hash = r.Hash.String
	m.scheme = password.Detect(m.hash)
	switch {
	case email == "":
		m.problem = CodeMissingEmail
	case len(email) > rules.MaxEmailLen:
		m.problem = CodeTooLongEmail
	case !rules.ValidEmail(email):
		m.problem = CodeInvalidEmail
	case m.username == "":
		m.problem = CodeMissingUsername
	case !rules.ValidUsername(m.username):
		m.problem = CodeInvalidUsername
		if rules.UsernameTooLong(m.username) {
			m.problem = CodeTooLongUsername
		}
	}
	if m.problem != "" {
		return m
	}
	var ok bool
	if m.createdAt, m.nullTime, ok = parseTime(r.CreatedAt); !ok || !m.nullTime && !target.PlausibleTime(m.createdAt, o.Now) {
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

// parseTime reads a created_at value. Text is one of timeLayouts (naive
// times are UTC, the app's convention: datetime.utcnow()) or a number;
// numbers are Unix seconds, or milliseconds past target.MillisThreshold.
// Blank text is NULL. Anything else is not a time (ok false); whether a
// time is plausible is the caller's rule.
func parseTime(v any) (t time.Time, null, ok bool) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, true, true
	case time.Time:
		return x.UTC(), false, true
	case int64:
		t, ok = target.UnixTime(float64(x))
		return t, false, ok
	case float64:
		t, ok = target.UnixTime(x)
		return t, false, ok
	case []byte:
		return parseTime(string(x))
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return time.Time{}, true, true
		}
		for _, l := range timeLayouts {
			if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
				return t.UTC(), false, true
			}
		}
		if n, err := strconv.ParseFloat(s, 64); err == nil && isNumber(s) {
			t, ok = target.UnixTime(n)
			return t, false, ok
		}
	}
	return time.Time{}, false, false
}

// isNumber admits what a legacy system writes for a number (digits, a sign,
// one fraction), not what ParseFloat also reads (Inf, NaN, hex, 1e5).
func isNumber(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// parseBool reads is_active: true, false or NULL; 0 and 1; and the words
// Python and PostgreSQL use for booleans. NULL and blank text mean not
// active. Any other number (2, -1) or word is not a boolean (ok false):
// guessing would be a silent wrong status.
func parseBool(v any) (b, ok bool) {
	switch x := v.(type) {
	case nil:
		return false, true
	case bool:
		return x, true
	case int64:
		return x == 1, x == 0 || x == 1
	case float64:
		return x == 1, x == 0 || x == 1
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
