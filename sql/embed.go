// Package sqlfiles embeds dhmig's DDL: sql/<dialect>/NNNN_name.up.sql and
// .down.sql (the guide target's), sql/<target>/<dialect>/ for every other
// target, plus each set's history.sql that creates the
// dhmig_schema_migrations table the migrator itself needs.
package sqlfiles

import "embed"

// FS holds postgres/, sqlite/ and dhafnck/{postgres,sqlite}/.
//
//go:embed postgres/*.sql sqlite/*.sql dhafnck/postgres/*.sql dhafnck/sqlite/*.sql
var FS embed.FS
