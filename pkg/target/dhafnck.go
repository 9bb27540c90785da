package target

// Dhafnck is the users table the DhafnckMCP server's own auth models read
// (fastmcp.auth.infrastructure.database.models): upper-case status names,
// JSON roles, email_verified, HS256 tokens issued by dhafnck-mcp.
var Dhafnck = register(&Profile{
	Name:      "dhafnck",
	Summary:   "the DhafnckMCP server's users table",
	JWTIssuer: "dhafnck-mcp",
})
