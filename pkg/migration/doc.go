// Package migration owns the `migrate` flow: preflight, the backup gate,
// schema up, the user copy and verify, all in one transaction that commits
// only when verify passes.
package migration
