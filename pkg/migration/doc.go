// Package migration owns every writing flow, each a function with a typed
// result that begins its own write (pkg/database's write session or lock):
// migrate (Run: preflight, the backup gate, schema up, the user copy and
// verify, all in one transaction that commits only when verify passes),
// migrate-users (MigrateUsers), schema up and down (ChangeSchema), and
// rollback from a backup (Restore) or of the schema only (RollbackSchema),
// each after its safety backup.
package migration
