// Package database opens SQLite and PostgreSQL databases behind sqlx and owns
// every difference between them through the Dialect: placeholders,
// identifiers, value encodings, introspection, the single-writer lock and
// bulk writes. Nothing outside this package branches on the database kind.
//
// Writes have one way in. BeginWrite returns a WriteSession: the lock, the
// connection and the transaction of a write done in one transaction
// (migrate, migrate-users); WithWriteLock holds the lock around a write done
// in several (schema versions one by one, a restore, the letters). Both give
// ErrLockHeld once another writer has held the database for the lock
// timeout.
//
// The Dialect is the sum of five roles, and a consumer asks for the ones it
// uses:
//
//   - Core: kind, driver, quoting, value encodings, introspection, and the
//     engine's side of the write lock (unexported: lockConn, lockInTx,
//     isBusy);
//   - Bulk: the loader (cursors, inserters, index suspension, load
//     defaults) the user copy writes through;
//   - CheckSQL: the SQL fragments verify, metrics and login-check splice
//     into their queries;
//   - Reader: read-only snapshots of a source database and the read
//     passes of verify and metrics, sized to the pool;
//   - AppValues: values spelled as a target's application writes them
//     (user ids, roles, timestamps).
//
// It also owns database URLs: ParseURL with its scheme registry (urlForms),
// the engine registry (DialectFor, engines.go), and the one masking of
// secrets (Redact, Target.Redacted, RedactURL) that every message and
// listing goes through.
//
// A new engine is a type in this package that implements Dialect (declare
// `var _ Dialect = myDialect{}`), an entry in the engine registry and one in
// the URL scheme registry, its DSN in Open,
// its embedded DDL under sql/<kind>/, and a run of TestDialectSuite, which
// holds every engine to the same contract on a real database (the write
// lock included: a second writer refused, a killed holder's lock
// released).
package database
