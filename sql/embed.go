// Package sqlfiles embeds dhmig's DDL: sql/<dialect>/NNNN_name.up.sql and
// .down.sql, plus each dialect's history.sql that creates the
// dhmig_schema_migrations table the migrator itself needs.
package sqlfiles

import "embed"

// FS holds postgres/ and sqlite/.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
