// Package integrity owns dhmig's verification: one registry of checks, each
// with a stable id, a severity and a one-line description, run set-based
// against the auth schema, dhmig's bookkeeping and the legacy table on the
// executor it is handed. It never writes, never opens or commits a
// transaction, and reports examples as ids, emails and short details —
// never a password hash.
package integrity
