package target

// Guide is the migration guide's schema: auth_users and
// auth_refresh_tokens (sql/<engine>/0001_auth_schema.up.sql).
var Guide = register(&Profile{
	Name:    DefaultName,
	Summary: "the guide's auth_users and auth_refresh_tokens",
	Owner:   "the guide",
	JWT:     guideJWT,
	Users:   "auth_users",
	Tokens:  "auth_refresh_tokens",
	Tables:  []string{"auth_users", "auth_refresh_tokens"},
	Indexes: []IndexRule{
		{"idx_auth_users_email", "auth_users", "email"},
		{"idx_auth_users_username", "auth_users", "username"},
		{"idx_auth_users_status", "auth_users", "status"},
		{"idx_refresh_tokens_user_id", "auth_refresh_tokens", "user_id"},
		{"idx_refresh_tokens_family", "auth_refresh_tokens", "token_family"},
	},
	Columns: Columns{
		VerifiedAt: "verified_at",
		LockedFlag: "is_locked",
		Timestamps: []string{"created_at", "updated_at", "verified_at", "last_login_at", "locked_at"},
	},
	Status: StatusNames{Active: StatusActive, Pending: StatusPendingVerification, Known: KnownStatuses},
	Roles:  RoleStorage{Known: KnownRoles},
	Fixed: []Fixed{
		{Column: "is_locked", Kind: FixedBool},
		{Column: "failed_login_attempts", Kind: FixedInt},
	},
	Rules: Rules{MaxEmailLen: MaxEmailLen, MaxUsernameLen: MaxUsernameLen},
	Login: GuideLogin,
})

// guideJWT are the access tokens of the guide's troubleshooting snippet:
// no issuer or audience checked, a UUID jti, the lifetime configured.
// Refresh tokens live in auth_refresh_tokens, not as JWTs.
var guideJWT = JWT{
	IDForm: IDUUID,
	Kinds: []TokenKind{{
		Type:     "access",
		Claims:   []string{"email", "roles", "type", "sub", "exp", "iat", "jti"},
		Required: []string{"sub"},
	}},
}
