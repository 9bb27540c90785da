package integrity

import "github.com/dhafnckmcp/dhmig/pkg/target"

// registry lists every check in the order they run and are reported:
// schema objects first, then the data in the target's user table and its
// tokens, then parity with the legacy table. The ids are a public
// contract; a description that names the target's tables, columns or
// limits is made from the target (describe.go).
var registry = []Check{
	{ID: "schema.tables", Severity: SeverityError,
		describe: describeTables,
		find:     findTables},
	{ID: "schema.indexes", Severity: SeverityError,
		describe: describeIndexes,
		find:     findIndexes},
	{ID: "schema.foreign_keys", Severity: SeverityError,
		describe: describeForeignKeys,
		find:     findForeignKeys},
	{ID: "data.duplicate_emails", Severity: SeverityError,
		Description: "no two users share an email, compared lowercased and trimmed",
		find:        findDuplicateEmails},
	{ID: "data.duplicate_usernames", Severity: SeverityError,
		Description: "no two users share a username, compared trimmed",
		find:        findDuplicateUsernames},
	{ID: "data.missing_fields", Severity: SeverityError,
		Description: "every user has a non-blank email, username and password_hash",
		rule:        missingFieldsRule},
	{ID: "data.malformed_emails", Severity: SeverityError,
		Description: "every email matches the application's email rule",
		rule:        malformedEmailsRule},
	{ID: "data.invalid_usernames", Severity: SeverityError,
		describe: describeUsernames,
		rule:     invalidUsernamesRule},
	{ID: "data.unknown_status", Severity: SeverityError,
		Description: "every status is one the application knows",
		rule:        unknownStatusRule},
	{ID: "data.unknown_roles", Severity: SeverityError,
		Description: "every user has at least one role and only roles the application knows",
		rule:        unknownRolesRule},
	{ID: "data.password_hash_scheme", Severity: SeverityError,
		Description: "every password hash is an accepted bcrypt hash ($2a$/$2b$/$2y$, cost 04-31, 60 characters)",
		rule:        hashSchemeRule},
	{ID: "data.timestamps", Severity: SeverityError,
		Description: "every timestamp lies between 1970 and a day from now, stored in a form the application reads back exactly",
		rule:        timestampsRule},
	{ID: "data.active_unverified", Severity: SeverityWarning,
		describe: describeActiveUnverified,
		rule:     activeUnverifiedRule},
	{ID: "data.orphan_refresh_tokens", Severity: SeverityError,
		Description: "every refresh token belongs to an existing user",
		find:        findOrphanTokens},
	{ID: "parity.legacy_rows", Severity: SeverityError,
		Description: "every legacy row was migrated (dhmig_user_map) or recorded as rejected (dhmig_rejects)",
		find:        findUnaccountedLegacyRows, lane: parityLane},
	{ID: "parity.mapped_values", Severity: SeverityError,
		Description: "every migrated user's email and password hash match its legacy row (temporary passwords excepted)",
		find:        findMappedMismatches, lane: parityLane},
}

// Checks returns every registered check as the guide target reports it,
// in run order (ChecksFor: as another target does).
func Checks() []Check { return ChecksFor(target.Guide) }

// Lookup finds a check by id.
func Lookup(id string) (Check, bool) {
	for _, c := range registry {
		if c.ID == id {
			return c.For(target.Guide), true
		}
	}
	return Check{}, false
}
