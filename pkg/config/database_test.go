package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

func TestDatabaseAndSourceTargets(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(LoadOptions{Flags: flags(t), Dir: dir,
		Environ: []string{"DATABASE_URL=postgres://u:pw@h/app", "DHMIG_SOURCE_URL=sqlite:///legacy.db"}})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := c.DatabaseTarget()
	if err != nil || tg.Kind != database.Postgres || tg.Name != "app" || tg.Password != "pw" {
		t.Errorf("DatabaseTarget = %+v, %v", tg, err)
	}
	src, ok, err := c.SourceTarget()
	if err != nil || !ok || src.Kind != database.SQLite || src.Path != "legacy.db" {
		t.Errorf("SourceTarget = %+v, %v, %v", src, ok, err)
	}

	c, err = Load(LoadOptions{Flags: flags(t), Dir: dir, Environ: []string{"DATABASE_URL=sqlite:///x.db"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.SourceTarget(); ok || err != nil {
		t.Errorf("SourceTarget without a source URL = %v, %v; want none and no error", ok, err)
	}
}

// A URL the database package rejects is a configuration error (exit 2) and
// still says which URL problem it is.
func TestParseURLErrorIsConfigurationError(t *testing.T) {
	_, err := parseURL("mysql://u:s3cret@h/x")
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, database.ErrInvalidURL) {
		t.Fatalf("error %v: want both ErrInvalid and database.ErrInvalidURL", err)
	}
	if want := "invalid configuration: database URL: unknown scheme"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q does not start %q", err, want)
	}
}
