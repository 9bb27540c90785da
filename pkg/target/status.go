package target

// The statuses dhmig writes.
const (
	StatusActive              = "active"
	StatusPendingVerification = "pending_verification"
)

// KnownStatuses are the application's UserStatus values
// (fastmcp.auth.domain.entities.user): a status outside them makes the
// application fail to load the user.
var KnownStatuses = []string{StatusActive, "inactive", "suspended", StatusPendingVerification}

// DefaultRole is the role every migrated user gets.
const DefaultRole = "user"

// KnownRoles are the application's UserRole values
// (fastmcp.auth.domain.entities.user).
var KnownRoles = []string{"admin", DefaultRole, "viewer", "developer"}
