package usermigrate

import "github.com/dhafnckmcp/dhmig/pkg/audit"

// Result is what a run did (or, in a dry run, would do). Its JSON form is
// the documented output of `dhmig migrate-users -o json`.
type Result struct {
	RunID       string        `json:"run_id"`
	DryRun      bool          `json:"dry_run"`
	Outcome     audit.Outcome `json:"outcome"`
	SourceTable string        `json:"source_table"`

	// RowsRead counts every row of the source table; it always equals
	// AlreadyMigrated + Migrated + Rejected.
	RowsRead        int64 `json:"rows_read"`
	AlreadyMigrated int64 `json:"already_migrated"`
	Migrated        int64 `json:"migrated"`
	TempPasswords   int64 `json:"temp_passwords"`
	KeptUnsupported int64 `json:"kept_unsupported_hashes"`
	Rejected        int64 `json:"rejected"`
	// RejectedByCode counts rejected rows per reject code.
	RejectedByCode map[string]int64 `json:"rejected_by_code"`

	OnConflict      ConflictPolicy `json:"on_conflict"`
	UnsupportedHash HashPolicy     `json:"unsupported_hash"`
	EmailCase       EmailCase      `json:"email_case"`
	TempMode        string         `json:"temp_passwords_mode"`
	BcryptCost      int            `json:"bcrypt_cost"`

	// EstimatedHashingSeconds is how long bcrypt temporary passwords take
	// (or would take) on every core; SealedWouldSave says --temp-passwords
	// sealed would skip a noticeable wait. HashingSimulated is true in a dry
	// run, where sealed hashes stand in for bcrypt ones.
	EstimatedHashingSeconds float64 `json:"estimated_hashing_seconds"`
	SealedWouldSave         bool    `json:"sealed_would_save"`
	HashingSimulated        bool    `json:"hashing_simulated"`

	// BulkLoad is true when auth_users was empty (or held less than a fifth
	// of the rows loaded), so its indexes and constraints were rebuilt once
	// after the load.
	BulkLoad bool `json:"bulk_load"`

	DurationSeconds float64 `json:"duration_seconds"`
	RowsPerSecond   float64 `json:"rows_per_second"`
}
