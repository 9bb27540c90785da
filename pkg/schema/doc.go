// Package schema applies, reverts and reports the versioned auth schema of
// a target: the embedded sql/<dialect>/NNNN_name.{up,down}.sql files (the
// guide's) or sql/<target>/<dialect>/ (NewFor), their history in
// dhmig_schema_migrations with checksums, and drift when an applied file
// changed. Tables found in place are adopted, never dropped; a history of
// another target's versions is refused. It works on the executor or
// database it is handed.
package schema
