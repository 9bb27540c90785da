package backup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestEmptyPostgresBackup: a backup of an empty PostgreSQL database (the
// fresh target of a move to PostgreSQL) is a valid backup — its manifest
// says the database was empty, verify accepts the archive without entries,
// and restoring it empties the database again — while an archive without
// entries whose manifest lists tables is still refused.
func TestEmptyPostgresBackup(t *testing.T) {
	ctx := context.Background()
	tg := dbtest.Postgres(t)
	db := openDB(t, tg)
	dir := t.TempDir()
	m := create(t, db, Options{Dir: dir})
	if !m.Database.Empty || len(m.Database.Tables) != 0 {
		t.Fatalf("manifest of an empty database: empty=%v tables=%v", m.Database.Empty, m.Database.Tables)
	}
	res, err := Verify(ctx, dir, m.ID, m.Database.Identity)
	if err != nil || !res.OK {
		t.Fatalf("verify of the empty backup: %v %+v", err, res.Checks)
	}
	found := false
	for _, c := range res.Checks {
		if c.Name == "pg_restore --list" && c.Status == CheckOK && strings.Contains(c.Detail, "empty") {
			found = true
		}
	}
	if !found {
		t.Errorf("verify does not say the archive is of an empty database: %+v", res.Checks)
	}

	seed(t, db, 3)
	if _, err := planAndRestore(ctx, db, RestoreOptions{Dir: dir, Ref: m.ID}); err != nil {
		t.Fatalf("restore of the empty backup: %v", err)
	}
	tables, err := db.Dialect.Tables(ctx, db)
	if err != nil || len(tables) != 0 {
		t.Fatalf("after restoring the empty backup: tables %v (%v)", tables, err)
	}

	// The same archive under a manifest that lists tables is incomplete.
	bad := m
	bad.Database.Empty, bad.Database.Tables = false, []string{"legacy_users"}
	if err := os.Remove(filepath.Join(dir, m.ID, ManifestName)); err != nil {
		t.Fatal(err)
	}
	if err := writeManifest(filepath.Join(dir, m.ID), bad); err != nil {
		t.Fatal(err)
	}
	if res, err := Verify(ctx, dir, m.ID, m.Database.Identity); err == nil || res.OK || !strings.Contains(err.Error(), "archive lists no entries") {
		t.Fatalf("an empty archive of a database with tables must fail verify: %v %+v", err, res.Checks)
	}
}
