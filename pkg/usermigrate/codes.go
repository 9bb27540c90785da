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

// Conflicts name what the row collided with.
const (
	againstLegacy = "legacy_users"
	againstAuth   = "auth_users"
)

var rejectCodes = []struct{ code, field, against string }{
	{CodeMissingID, "id", ""},
	{CodeDuplicateID, "id", ""},
	{CodeMissingEmail, "email", ""},
	{CodeInvalidEmail, "email", ""},
	{CodeTooLongEmail, "email", ""},
	{CodeMissingUsername, "username", ""},
	{CodeInvalidUsername, "username", ""},
	{CodeTooLongUsername, "username", ""},
	{CodeInvalidCreatedAt, "created_at", ""},
	{CodeInvalidIsActive, "is_active", ""},
	{CodeUnsupportedHash, "password_hash", ""},
	{CodeConflictEmail, "email", againstLegacy},
	{CodeConflictEmail, "email", againstAuth},
	{CodeConflictUsername, "username", againstLegacy},
	{CodeConflictUsername, "username", againstAuth},
}

// reject is the status of a rejected row; against names the other side of
// a conflict ("" for the other codes).
func reject(code, against string) status {
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
func (s status) against() string {
	return rejectCodes[s-firstReject].against
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
