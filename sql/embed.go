// Package sqlfiles embeds dhmig's DDL: sql/<dialect>/NNNN_name.up.sql and
// .down.sql (the guide target's), sql/<target>/<dialect>/ for every other
// target, plus sql/<dialect>/history.sql, which creates the history tables
// the migrator itself needs, for every target.
package sqlfiles

import "embed"

// FS holds postgres/, sqlite/ and dhafnck/{postgres,sqlite}/.
//
//go:embed postgres/*.sql sqlite/*.sql dhafnck/postgres/*.sql dhafnck/sqlite/*.sql
var FS embed.FS
