package target

import "time"

// Dhafnck is the users table the DhafnckMCP server's own auth models read
// (fastmcp.auth.infrastructure.database.models): upper-case status names
// (a SQLAlchemy Enum with native_enum=False stores the names), JSON roles,
// email_verified, locked_until, HS256 tokens issued by dhafnck-mcp.
// docs/targets.md says where the app's source differs from issue 18.
var Dhafnck = register(&Profile{
	Name:    "dhafnck",
	Summary: "the DhafnckMCP server's users table",
	Owner:   "the DhafnckMCP server",
	JWT:     dhafnckJWT,
	SQLDir:  "dhafnck",
	Users:   "users",
	Tables:  []string{"users", "user_sessions", "email_tokens"},
	Indexes: []IndexRule{
		{"ix_users_email", "users", "email"},
		{"ix_users_username", "users", "username"},
		{"ix_users_status", "users", "status"},
		{"ix_users_password_reset_token", "users", "password_reset_token"},
		{"ix_users_refresh_token_family", "users", "refresh_token_family"},
		{"ix_user_sessions_user_id", "user_sessions", "user_id"},
	},
	Columns: Columns{
		VerifiedAt:   "email_verified_at",
		VerifiedFlag: "email_verified",
		LockedUntil:  "locked_until",
		// The app sets it whenever it replaces a hash (reset, change),
		// not at sign-up.
		PasswordChangedAt: "password_changed_at",
		Timestamps: []string{"created_at", "updated_at", "email_verified_at", "last_login_at",
			"locked_until", "password_changed_at", "password_reset_expires"},
	},
	Status: StatusNames{Active: "ACTIVE", Pending: "PENDING_VERIFICATION", Suspended: "SUSPENDED",
		Known: []string{"ACTIVE", "INACTIVE", "SUSPENDED", "PENDING_VERIFICATION"}},
	Roles: RoleStorage{JSON: true, Known: KnownRoles},
	IDs:   IDForm{Random: true, CompactText: true},
	// SQLAlchemy's SQLite DateTime writes %Y-%m-%d %H:%M:%S.%f.
	MicrosAlways: true,
	// The app increments failed_login_attempts and compares
	// refresh_token_version: NULL would raise at login or refresh.
	Fixed: []Fixed{
		{Column: "failed_login_attempts", Kind: FixedInt},
		{Column: "refresh_token_version", Kind: FixedInt},
		{Column: "project_ids", Kind: FixedJSON, JSON: "[]"},
		{Column: "metadata", Kind: FixedJSON, JSON: "{}"},
	},
	Rules: Rules{MaxEmailLen: 254, MaxUsernameLen: 150},
	// auth_service.login refuses a locked or SUSPENDED account and one
	// whose email is not verified; the domain's is_active() also wants
	// ACTIVE, which dhmig gives every verified user it writes.
	Login: LoginRules{ActiveStatus: "ACTIVE", RequireVerified: true},
	// An active user who is not email_verified cannot log in at all.
	Errors: []string{"data.active_unverified"},
})

// dhafnckJWT are the tokens of the server's JWTService
// (fastmcp.auth.domain.services.jwt_service, as the login and refresh of
// its AuthService call it): HS256 whatever JWT_ALGORITHM says, issuer
// dhafnck-mcp, jti from secrets.token_hex(16), lifetimes fixed in the
// class (ACCESS_TOKEN_EXPIRE_MINUTES = 15, REFRESH_TOKEN_EXPIRE_DAYS = 30).
// Access tokens carry aud mcp-server, which the MCP token check requires;
// refresh tokens carry the user's token family and version instead of
// email, roles and aud. Claims are listed in the order the server writes.
var dhafnckJWT = JWT{
	Issuer:    "dhafnck-mcp",
	Algorithm: "HS256",
	IDForm:    IDHex128,
	Kinds: []TokenKind{
		{
			Type:     "access",
			Audience: "mcp-server",
			TTL:      15 * time.Minute,
			Claims:   []string{"sub", "email", "roles", "type", "aud", "iat", "exp", "iss", "jti"},
			Required: []string{"sub", "jti"},
		},
		{
			Type:     "refresh",
			TTL:      30 * 24 * time.Hour,
			Claims:   []string{"sub", "type", "family", "version", "iat", "exp", "iss", "jti"},
			Required: []string{"sub", "jti", "family", "version"},
		},
	},
}
