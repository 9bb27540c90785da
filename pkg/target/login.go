package target

// LoginRules are what a target's application checks, beyond the password,
// before it lets a user log in: login-check and the smoke tests' server
// judge by them.
type LoginRules struct {
	// ActiveStatus is the one status that may log in.
	ActiveStatus string
	// RequireVerified: the user must have verified their email
	// (auth_users.verified_at set).
	RequireVerified bool
}

// GuideLogin are the guide target's rules: status active, email verified,
// not locked (every target refuses a locked account).
var GuideLogin = LoginRules{ActiveStatus: StatusActive, RequireVerified: true}
