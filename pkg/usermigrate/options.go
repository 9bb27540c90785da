package usermigrate

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// ConflictPolicy decides what happens to rows whose canonical email or
// username another row already has.
type ConflictPolicy string

// The conflict policies.
const (
	// ConflictFail rejects every row of a conflict and writes nothing.
	ConflictFail ConflictPolicy = "fail"
	// ConflictSkip keeps the earliest row (created_at, then id) and rejects
	// the others; a row that conflicts with an existing auth user is rejected.
	ConflictSkip ConflictPolicy = "skip"
)

// HashPolicy decides what happens to rows whose hash is not accepted bcrypt.
type HashPolicy string

// The unsupported-hash policies.
const (
	// HashFail rejects such rows and writes nothing.
	HashFail HashPolicy = "fail"
	// HashReset gives the user a temporary password (password reset needed).
	HashReset HashPolicy = "reset"
	// HashKeep copies the hash as is; the app must understand it.
	HashKeep HashPolicy = "keep"
)

// EmailCase decides how emails are stored.
type EmailCase string

// The email cases. Conflicts are found case-insensitively either way.
const (
	EmailLower    EmailCase = "lower"
	EmailPreserve EmailCase = "preserve"
)

// Columns names the source columns that feed auth_users.
type Columns struct {
	ID, Email, Username, PasswordHash, CreatedAt, IsActive string
}

// DefaultColumns are the legacy table's own names.
func DefaultColumns() Columns {
	return Columns{ID: "id", Email: "email", Username: "username", PasswordHash: "password_hash",
		CreatedAt: "created_at", IsActive: "is_active"}
}

// fields lists the logical names --map-column accepts, with their slot.
func (c *Columns) fields() []struct {
	name string
	col  *string
} {
	return []struct {
		name string
		col  *string
	}{{"id", &c.ID}, {"email", &c.Email}, {"username", &c.Username},
		{"password_hash", &c.PasswordHash}, {"created_at", &c.CreatedAt}, {"is_active", &c.IsActive}}
}

// ParseColumnMap applies "field=column" pairs (as given to --map-column) to
// the default columns, e.g. "email=mail", and validates every column name.
// Fields: id, email, username, password_hash, created_at, is_active; only,
// when given, narrows them to the fields a command reads.
func ParseColumnMap(pairs []string, only ...string) (Columns, error) {
	c := DefaultColumns()
	var allowed []string
	for _, f := range c.fields() {
		if len(only) == 0 || slices.Contains(only, f.name) {
			allowed = append(allowed, f.name)
		}
	}
	for _, p := range pairs {
		field, col, ok := strings.Cut(p, "=")
		field, col = strings.TrimSpace(field), strings.TrimSpace(col)
		if !ok || field == "" || col == "" {
			return c, fmt.Errorf("column mapping %q: want field=column, e.g. email=mail", p)
		}
		found := false
		for _, f := range c.fields() {
			if f.name == field && slices.Contains(allowed, field) {
				*f.col, found = col, true
			}
		}
		if !found {
			return c, fmt.Errorf("column mapping %q: unknown field %q (use %s)", p, field, strings.Join(allowed, ", "))
		}
	}
	return c, c.validate()
}

func (c Columns) validate() error {
	for _, f := range c.fields() {
		if err := database.ValidateIdent(*f.col); err != nil {
			return fmt.Errorf("source column for %s: %w", f.name, err)
		}
	}
	return nil
}

// Progress is one report of work done in a phase ("preflight" or "copy").
type Progress struct {
	Phase string
	Done  int64
	Total int64
}

// Options are everything Run needs; the command line fills them from flags.
type Options struct {
	// SourceTable is the legacy table (default legacy_users).
	SourceTable string
	// Columns names its columns (default DefaultColumns()).
	Columns Columns

	OnConflict      ConflictPolicy // default fail
	UnsupportedHash HashPolicy     // default fail
	EmailCase       EmailCase      // default lower

	// TempPasswords and BcryptCost shape temporary passwords (default
	// bcrypt at cost 12); Workers is the hashing pool size (0: every core).
	TempPasswords password.TempMode
	BcryptCost    int
	Workers       int

	// DryRun means the caller will roll the transaction back: every row is
	// still written, but temporary hashes are sealed (same shape, no hours
	// of bcrypt for nothing) and the bcrypt time is only estimated.
	DryRun bool

	// RunID tags dhmig_user_map and dhmig_rejects rows (default: a new
	// UUIDv7). Now is the run's start, used for updated_at and NULL
	// created_at (default: time.Now().UTC()).
	RunID string
	Now   time.Time

	// Source, when set, is a read-only snapshot of another database that
	// holds the legacy table (--source-url): it is read there, with that
	// database's dialect, and only the transaction Run is handed is
	// written. nil: the legacy table is read on the transaction.
	Source *database.Snapshot

	// Rejects receives the rejects report as NDJSON (nil: discarded).
	Rejects io.Writer
	// Progress is called as rows are read and written (nil: none).
	Progress func(Progress)
	// Logger receives debug and info logs; never emails, hashes or
	// passwords (nil: discarded).
	Logger *slog.Logger

	// BatchSize is how many rows are fetched and written at a time
	// (default 2000: three batches are in flight at a time).
	BatchSize int

	// Target is the auth tables written and how their values are spelled
	// (nil: the guide's).
	Target *target.Profile
}

// DefaultBcryptCost is the guide's cost, the one the app rehashes below.
const DefaultBcryptCost = 12

func (o *Options) normalize() error {
	if o.SourceTable == "" {
		o.SourceTable = "legacy_users"
	}
	if err := database.ValidateIdent(o.SourceTable); err != nil {
		return fmt.Errorf("source table: %w", err)
	}
	if o.Columns == (Columns{}) {
		o.Columns = DefaultColumns()
	}
	if err := o.Columns.validate(); err != nil {
		return err
	}
	if o.OnConflict == "" {
		o.OnConflict = ConflictFail
	}
	if o.OnConflict != ConflictFail && o.OnConflict != ConflictSkip {
		return fmt.Errorf("unknown conflict policy %q: use fail or skip", o.OnConflict)
	}
	if o.UnsupportedHash == "" {
		o.UnsupportedHash = HashFail
	}
	switch o.UnsupportedHash {
	case HashFail, HashReset, HashKeep:
	default:
		return fmt.Errorf("unknown unsupported-hash policy %q: use fail, reset or keep", o.UnsupportedHash)
	}
	if o.EmailCase == "" {
		o.EmailCase = EmailLower
	}
	if o.EmailCase != EmailLower && o.EmailCase != EmailPreserve {
		return fmt.Errorf("unknown email case %q: use lower or preserve", o.EmailCase)
	}
	if o.TempPasswords == "" {
		o.TempPasswords = password.TempBcrypt
	}
	if _, err := password.ParseTempMode(string(o.TempPasswords)); err != nil {
		return err
	}
	if o.BcryptCost == 0 {
		o.BcryptCost = DefaultBcryptCost
	}
	if err := password.ValidateCost(o.BcryptCost); err != nil {
		return err
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	if o.Rejects == nil {
		o.Rejects = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 2000
	}
	if o.Target == nil {
		o.Target = target.Guide
	}
	return nil
}
