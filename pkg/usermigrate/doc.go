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
// Memory stays flat as the table grows: rows are streamed twice through a
// database cursor, and between the passes only compact per-row keys (64-bit
// hashes of the canonical email and username, the creation time and the
// row's position) are held to find conflicts.
package usermigrate
