package target

// Guide is the migration guide's schema: auth_users and
// auth_refresh_tokens (sql/<engine>/0001_auth_schema.up.sql).
var Guide = register(&Profile{
	Name:    DefaultName,
	Summary: "the guide's auth_users and auth_refresh_tokens",
})
