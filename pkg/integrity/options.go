package integrity

import (
	"fmt"
	"slices"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// DefaultExampleLimit is how many offending rows a check reports when
// Options.ExampleLimit is zero.
const DefaultExampleLimit = 5

// DefaultKnownStatuses and DefaultKnownRoles are the rule book's.
var (
	DefaultKnownStatuses = target.KnownStatuses
	DefaultKnownRoles    = target.KnownRoles
)

// Source names the legacy table parity compares against; the names are
// validated SQL identifiers and are always quoted.
type Source struct {
	// Table is the legacy table (default legacy_users).
	Table string
	// ID, Email and PasswordHash are its columns (default id, email,
	// password_hash).
	ID, Email, PasswordHash string
	// Required makes a missing legacy table an error instead of a skipped
	// parity check: set it when the operator named the table.
	Required bool
	// From, when set, is a read-only snapshot of another database that
	// holds the legacy table (--source-url); parity then merges the two
	// sides instead of joining them (parity_apart.go). nil: the legacy
	// table is in the verified database.
	From *database.Snapshot
}

// Options select and tune the checks of one run.
type Options struct {
	// Only runs just these check ids (all when empty); Skip leaves these out.
	Only, Skip []string
	// WarnOnly reports these ids' failures without failing verification
	// (e.g. data.password_hash_scheme after --unsupported-hash keep).
	WarnOnly []string
	// ExampleLimit caps the examples per check (DefaultExampleLimit when 0).
	ExampleLimit int
	// Source is the legacy table for the parity checks.
	Source Source
	// KnownStatuses and KnownRoles override the application's values
	// (the target's when nil).
	KnownStatuses, KnownRoles []string
	// Target is the auth tables verified and the rules they are judged by
	// (nil: the guide's).
	Target *target.Profile

	// passBegun, when set, runs once the read pass has begun (on
	// PostgreSQL every reader then holds the pass's snapshot) and before
	// any check reads, with the number of readers: tests write in between
	// (export_test.go).
	passBegun func(readers int)
}

// ValidateIDs returns an error wrapping ErrUnknownCheck for the first id,
// in any of the lists, that names no registered check.
func ValidateIDs(lists ...[]string) error {
	for _, list := range lists {
		for _, id := range list {
			if _, ok := Lookup(id); !ok {
				return fmt.Errorf("%w %q (dhmig verify --list shows them)", ErrUnknownCheck, id)
			}
		}
	}
	return nil
}

func (o Options) normalize() (Options, error) {
	if err := ValidateIDs(o.Only, o.Skip, o.WarnOnly); err != nil {
		return o, err
	}
	if o.ExampleLimit <= 0 {
		o.ExampleLimit = DefaultExampleLimit
	}
	s := &o.Source
	s.Table = orDefault(s.Table, "legacy_users")
	s.ID = orDefault(s.ID, "id")
	s.Email = orDefault(s.Email, "email")
	s.PasswordHash = orDefault(s.PasswordHash, "password_hash")
	for _, name := range []string{s.Table, s.ID, s.Email, s.PasswordHash} {
		if err := database.ValidateIdent(name); err != nil {
			return o, fmt.Errorf("%w: legacy source: %v", ErrBadOptions, err)
		}
	}
	if o.Target == nil {
		o.Target = target.Guide
	}
	if o.KnownStatuses == nil {
		o.KnownStatuses = o.Target.Status.Known
	}
	if o.KnownRoles == nil {
		o.KnownRoles = o.Target.Roles.Known
	}
	if len(o.KnownStatuses) == 0 || len(o.KnownRoles) == 0 {
		return o, fmt.Errorf("%w: the lists of known statuses and roles cannot be empty", ErrBadOptions)
	}
	return o, nil
}

// selected reports whether a check runs under these options.
func (o Options) selected(id string) bool {
	if len(o.Only) > 0 && !slices.Contains(o.Only, id) {
		return false
	}
	return !slices.Contains(o.Skip, id)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
