package target

// MaxUsernameLen is the guide target's username limit, in characters:
// auth_users.username is VARCHAR(100). Other targets set their own in
// Profile.Rules.
const MaxUsernameLen = 100

// CanonUsername is the form usernames are stored and compared on: trimmed,
// case kept.
func CanonUsername(s string) string { return Trim(s) }

// ValidUsername is the guide target's username rule (Rules.ValidUsername
// with MaxUsernameLen).
func ValidUsername(s string) bool { return Guide.Rules.ValidUsername(s) }
