package target

import "time"

// Dhafnck is the users table the DhafnckMCP server's own auth models read
// (fastmcp.auth.infrastructure.database.models): upper-case status names,
// JSON roles, email_verified, HS256 tokens issued by dhafnck-mcp.
var Dhafnck = register(&Profile{
	Name:    "dhafnck",
	Summary: "the DhafnckMCP server's users table",
	JWT:     dhafnckJWT,
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
