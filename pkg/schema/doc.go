// Package schema applies, reverts and reports the versioned auth schema:
// the embedded sql/<dialect>/NNNN_name.{up,down}.sql files, their history in
// dhmig_schema_migrations with checksums, and drift when an applied file
// changed. It works on the executor or database it is handed.
package schema
