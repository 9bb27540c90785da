package target

// Guide is the migration guide's schema: auth_users and
// auth_refresh_tokens (sql/<engine>/0001_auth_schema.up.sql).
var Guide = register(&Profile{
	Name:    DefaultName,
	Summary: "the guide's auth_users and auth_refresh_tokens",
	JWT:     guideJWT,
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
