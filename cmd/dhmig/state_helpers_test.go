package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// dbState is what a read-only command or a dry run must not change: the
// SQLite file's bytes (and whether a journal exists), or every row of every
// table on PostgreSQL.
func dbState(t *testing.T, db *database.DB, tg database.Target) string {
	t.Helper()
	if tg.Kind == database.SQLite {
		b, err := os.ReadFile(tg.Path)
		if err != nil {
			t.Fatal(err)
		}
		extra, _ := filepath.Glob(tg.Path + "-*")
		return fmt.Sprintf("%x %v", sha256.Sum256(b), extra)
	}
	return render(dbtest.Snapshot(t, db), nil)
}

// dataState is every row of every table but the audit trail, on both
// engines: what a refused --execute must leave as it was.
func dataState(t *testing.T, db *database.DB) string {
	t.Helper()
	return render(dbtest.Snapshot(t, db), map[string]bool{"dhmig_runs": true})
}

func render(snap map[string][]string, skip map[string]bool) string {
	tables := make([]string, 0, len(snap))
	for table := range snap {
		if !skip[table] {
			tables = append(tables, table)
		}
	}
	sort.Strings(tables)
	var b strings.Builder
	for _, table := range tables {
		fmt.Fprintf(&b, "%s: %q\n", table, snap[table])
	}
	return b.String()
}
