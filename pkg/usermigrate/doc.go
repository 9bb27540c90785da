// Package usermigrate owns the legacy → auth copy: the preflight that
// classifies every legacy row, the policies that decide conflicts and
// unsupported hashes, the mapping of DESIGN.md, the copy itself, the rejects
// report and the dhmig_user_map / dhmig_rejects bookkeeping.
//
// Run works on a transaction it is handed and never begins, commits or rolls
// back one itself: the migrate-users command commits it with --execute and
// rolls it back for a dry run; the migrate command runs it beside schema and
// verify in its own transaction.
//
// Memory stays flat as the table grows. Clean data (the common case) is
// read once through a database cursor and written as it is read, inside a
// savepoint, with the unique constraints of auth_users standing in for the
// conflict search (fast.go). Anything else takes the careful path: a
// preflight stages the canonical keys of every row in a temporary table,
// where the database finds the conflict groups (conflicts.go), then a second
// read writes what was decided; between the passes one status byte per row
// is all that stays in Go. See docs/performance.md for the figures.
package usermigrate
