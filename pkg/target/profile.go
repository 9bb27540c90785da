package target

import (
	"fmt"
	"sort"
	"strings"
)

// Profile is one target: the auth tables a migration writes and the
// application that reads them. Each target is defined once, as data, in a
// file of its own (guide.go, dhafnck.go); docs/targets.md says what a new
// one must define.
type Profile struct {
	// Name is what --target and the config key target accept.
	Name string
	// Summary says in one line what the target is, for help and doctor.
	Summary string
	// Owner names whose schema it is in a sentence ("the guide"): verify's
	// check descriptions speak of "the guide's five indexes".
	Owner string
	// JWT are the tokens the target's application issues and accepts:
	// jwt issue and jwt verify follow them.
	JWT JWT

	// SQLDir is the directory of the embedded sql/ files that holds the
	// target's migrations, one subdirectory per engine ("" for sql/
	// itself: the guide's).
	SQLDir string
	// Users is the table the application reads its users from; Tokens its
	// refresh-token table, "" when it has none.
	Users, Tokens string
	// Tables are every table the target's schema must hold (verify's
	// schema.tables), Indexes its named indexes (schema.indexes).
	Tables  []string
	Indexes []IndexRule

	// Columns names the user table's columns whose names differ between
	// targets.
	Columns Columns
	// Status is how statuses are spelled; Roles how roles are stored.
	Status StatusNames
	Roles  RoleStorage
	// IDs is how new user ids are made and spelled.
	IDs IDForm
	// MicrosAlways: SQLite timestamps always carry six fractional digits
	// (what SQLAlchemy writes for DateTime), never none.
	MicrosAlways bool
	// Fixed are the columns every migrated user gets the same constant in
	// besides roles and updated_at: the defaults that live only in the
	// application's code, so the database would leave them NULL.
	Fixed []Fixed

	// Rules are the length limits of the rule book's email and username
	// rules.
	Rules Rules
	// Login is what the application checks before it lets a user in.
	Login LoginRules
	// Errors are verify checks that fail verification for this target
	// where the registry makes them warnings: what its application refuses
	// at login.
	Errors []string
}

// IndexRule is one named single-column index a target's schema has.
type IndexRule struct{ Name, Table, Column string }

// Columns are the user-table columns whose names differ between targets.
type Columns struct {
	// VerifiedAt is the timestamp of email verification: set to created_at
	// for active legacy users.
	VerifiedAt string
	// VerifiedFlag is the boolean "email verified" column, "" when the
	// target has none (verification is VerifiedAt being set).
	VerifiedFlag string
	// LockedFlag is a boolean "account locked" column; LockedUntil a
	// timestamp the account stays locked until. A target has one of them.
	LockedFlag, LockedUntil string
	// PasswordChangedAt is the time the password was last set, "" when
	// the target has none: the run's start for a user dhmig gave a new
	// (temporary) hash, NULL for a kept one.
	PasswordChangedAt string
	// Timestamps are every timestamp column verify's plausibility rule
	// covers.
	Timestamps []string
}

// StatusNames are a target's spellings of the statuses.
type StatusNames struct {
	// Active and Pending are what dhmig writes for active and inactive
	// legacy users.
	Active, Pending string
	// Suspended is the status that may never log in ("" when the target's
	// login rule names none beyond Active).
	Suspended string
	// Known are every status the application can load, in the order
	// reports list them.
	Known []string
}

// RoleStorage is how a target stores the role list.
type RoleStorage struct {
	// JSON: a JSON list on every engine; otherwise the engine's own list
	// (a PostgreSQL text[], JSON text on SQLite).
	JSON bool
	// Known are the roles the application knows.
	Known []string
}

// IDForm is how a target's application makes and stores user ids.
type IDForm struct {
	// Random: UUID version 4 (the application's str(uuid4())); otherwise
	// version 7, in creation order, which indexes build faster.
	Random bool
	// CompactText: on an engine without a UUID type, the 32 lowercase hex
	// digits without hyphens (SQLAlchemy 2's Uuid on SQLite); otherwise
	// the canonical hyphenated form.
	CompactText bool
}

// Fixed is a constant every migrated user gets in Column: an integer, a
// boolean or JSON text, by Kind.
type Fixed struct {
	Column string
	Kind   FixedKind
	Int    int64
	Bool   bool
	JSON   string
}

// FixedKind is the type of a Fixed value.
type FixedKind int

// The kinds of Fixed values.
const (
	FixedInt FixedKind = iota
	FixedBool
	FixedJSON
)

// DefaultName is the target when none is configured: the guide's schema.
const DefaultName = "guide"

var profiles = map[string]*Profile{}

// register adds a target definition; each target's file calls it once.
func register(p *Profile) *Profile {
	if _, dup := profiles[p.Name]; dup {
		panic("target: " + p.Name + " defined twice")
	}
	profiles[p.Name] = p
	return p
}

// Lookup returns the target of that name, or an error listing the known ones.
func Lookup(name string) (*Profile, error) {
	if p, ok := profiles[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("unknown target %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the known targets, the default first.
func Names() []string {
	names := []string{DefaultName}
	for n := range profiles {
		if n != DefaultName {
			names = append(names, n)
		}
	}
	sort.Strings(names[1:])
	return names
}
