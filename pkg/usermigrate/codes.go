package usermigrate

import "slices"

// Reject codes, as written to the rejects report and dhmig_rejects.
const (
	CodeMissingID        = "MISSING_ID"
	CodeDuplicateID      = "DUPLICATE_ID"
	CodeMissingEmail     = "MISSING_EMAIL"
	CodeInvalidEmail     = "INVALID_EMAIL"
	CodeTooLongEmail     = "TOO_LONG_EMAIL"
	CodeMissingUsername  = "MISSING_USERNAME"
	CodeInvalidUsername  = "INVALID_USERNAME"
	CodeTooLongUsername  = "TOO_LONG_USERNAME"
	CodeInvalidCreatedAt = "INVALID_CREATED_AT"
	CodeInvalidIsActive  = "INVALID_IS_ACTIVE"
	CodeUnsupportedHash  = "UNSUPPORTED_HASH"
	CodeConflictEmail    = "CONFLICT_EMAIL"
	CodeConflictUsername = "CONFLICT_USERNAME"
)

// Codes lists every reject code once, in the order reports show them.
func Codes() []string {
	var out []string
	for _, c := range rejectCodes {
		if !slices.Contains(out, c.code) {
			out = append(out, c.code)
		}
	}
	return out
}

// status is what the preflight decided for one row; values below
// firstReject migrate, the others index rejectCodes.
type status uint8

const (
	stCopy      status = iota // accepted bcrypt, copied byte for byte
	stTemp                    // NULL or empty hash: temporary password
	stReset                   // unsupported hash, --unsupported-hash reset
	stKeep                    // unsupported hash, --unsupported-hash keep
	firstReject status = 16
)

// side is what a conflicting row collided with.
type side uint8

const (
	noSide side = iota
	// againstLegacy: another row of the source ("legacy_users" in the
	// report, the category whatever the source table is called).
	againstLegacy
	// againstAuth: a user already in the target's user table, which the
	// report names (auth_users, users).
	againstAuth
)

var rejectCodes = []struct {
	code, field string
	against     side
}{
	{CodeMissingID, "id", noSide},
	{CodeDuplicateID, "id", noSide},
	{CodeMissingEmail, "email", noSide},
	{CodeInvalidEmail, "email", noSide},
	{CodeTooLongEmail, "email", noSide},
	{CodeMissingUsername, "username", noSide},
	{CodeInvalidUsername, "username", noSide},
	{CodeTooLongUsername, "username", noSide},
	{CodeInvalidCreatedAt, "created_at", noSide},
	{CodeInvalidIsActive, "is_active", noSide},
	{CodeUnsupportedHash, "password_hash", noSide},
	{CodeConflictEmail, "email", againstLegacy},
	{CodeConflictEmail, "email", againstAuth},
	{CodeConflictUsername, "username", againstLegacy},
	{CodeConflictUsername, "username", againstAuth},
}

// reject is the status of a rejected row; against is the other side of a
// conflict (noSide for the other codes).
func reject(code string, against side) status {
	for i, c := range rejectCodes {
		if c.code == code && c.against == against {
			return firstReject + status(i)
		}
	}
	panic("usermigrate: unknown reject code " + code)
}

func (s status) rejected() bool { return s >= firstReject }
func (s status) code() string   { return rejectCodes[s-firstReject].code }
func (s status) field() string  { return rejectCodes[s-firstReject].field }
func (s status) against() side  { return rejectCodes[s-firstReject].against }

// conflictsWith is the report's name for the other side of a conflict:
// "" when there is none.
func (s side) conflictsWith(users string) string {
	switch s {
	case againstLegacy:
		return "legacy_users"
	case againstAuth:
		return users
	}
	return ""
}

// fatal reports whether a reject code, under the given policies, stops the
// run (exit 3, nothing written). Invalid rows never do: they are always
// rejected and reported, and the rest migrates.
func fatal(code string, c ConflictPolicy, h HashPolicy) bool {
	switch code {
	case CodeConflictEmail, CodeConflictUsername:
		return c == ConflictFail
	case CodeUnsupportedHash:
		return h == HashFail
	}
	return false
}
