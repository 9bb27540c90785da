// Package metrics owns the numbers an operator watches after cutover: the
// guide's total_users, active_users, locked_accounts and unverified_users,
// users by status and by role, temporary-password users, legacy versus
// migrated counts, and refresh tokens by state. Every number is counted
// set-based by the database, read-only, on the executor handed in.
package metrics
