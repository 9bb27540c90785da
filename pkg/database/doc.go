// Package database opens SQLite and PostgreSQL databases behind sqlx and owns
// every difference between them through the Dialect interface: placeholders,
// identifiers, value encodings, introspection, locks and bulk writes. Nothing
// outside this package branches on the database kind.
//
// It also owns database URLs: ParseURL with its scheme registry (urlForms),
// the engine registry (DialectFor), and the one masking of secrets (Redact,
// Target.Redacted, RedactURL) that every message and listing goes through.
// A new engine adds one entry to each registry and implements Dialect.
package database
