// Package database opens SQLite and PostgreSQL databases behind sqlx and owns
// every difference between them through the Dialect interface: placeholders,
// identifiers, value encodings, introspection, locks and bulk writes. Nothing
// outside this package branches on the database kind.
package database
