package database

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// AppValues encodes what a target's application writes in the form its
// own stack writes it on each engine (target.Profile says which form).
type AppValues interface {
	// UserID spells a user id: canonical hyphenated text, or with compact
	// the 32 hex digits SQLAlchemy 2's Uuid keeps on an engine without a
	// UUID type (PostgreSQL has one, and ignores compact).
	UserID(id uuid.UUID, compact bool) string
	// RolesValue encodes a role list for a roles column: the engine's own
	// list (Roles), or with asJSON a JSON list.
	RolesValue(roles []string, asJSON bool) any
	// RolesListSQL is the roles column expr in the form the CheckSQL role
	// fragments take (the engine's own list), from a JSON column when
	// asJSON. A JSON value that is not a list reads as no roles.
	RolesListSQL(expr string, asJSON bool) string
	// AppTimestamp is BulkTimestamp, on SQLite with six fractional digits
	// even when they are all zero when microsAlways (SQLAlchemy's form).
	AppTimestamp(t time.Time, microsAlways bool) any
}

var (
	_ AppValues = sqliteDialect{}
	_ AppValues = postgresDialect{}
)

func (sqliteDialect) UserID(id uuid.UUID, compact bool) string {
	if compact {
		return hex.EncodeToString(id[:])
	}
	return id.String()
}

func (postgresDialect) UserID(id uuid.UUID, _ bool) string { return id.String() }

func (d sqliteDialect) RolesValue(roles []string, _ bool) any { return d.Roles(roles) }

func (d postgresDialect) RolesValue(roles []string, asJSON bool) any {
	if !asJSON {
		return d.Roles(roles)
	}
	if roles == nil {
		roles = []string{}
	}
	b, _ := json.Marshal(roles)
	return string(b)
}

// RolesListSQL on SQLite: both forms are JSON text already.
func (sqliteDialect) RolesListSQL(expr string, _ bool) string { return expr }

// RolesListSQL on PostgreSQL turns a json list into text[]; json has no
// equality, so this is also what lets roles be grouped.
func (postgresDialect) RolesListSQL(expr string, asJSON bool) string {
	if !asJSON {
		return expr
	}
	return fmt.Sprintf("ARRAY(SELECT json_array_elements_text(CASE WHEN json_typeof(%[1]s) = 'array' THEN %[1]s END))", expr)
}

func (d sqliteDialect) AppTimestamp(t time.Time, microsAlways bool) any {
	v := d.BulkTimestamp(t)
	if s, ok := v.(string); ok && microsAlways && len(s) == len(SQLiteTimeFormat) {
		return s + ".000000"
	}
	return v
}

func (d postgresDialect) AppTimestamp(t time.Time, _ bool) any { return d.BulkTimestamp(t) }
