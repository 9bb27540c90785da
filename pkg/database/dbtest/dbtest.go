// Package dbtest gives tests real databases: a fresh SQLite file in a temp
// directory, or a throw-away PostgreSQL database on the server named by
// DHMIG_TEST_POSTGRES_URL, dropped when the test ends. PostgreSQL tests skip
// when that variable is unset, and fail instead when DHMIG_REQUIRE_POSTGRES=1.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// EnvPostgresURL names the server tests create their databases on.
const EnvPostgresURL = "DHMIG_TEST_POSTGRES_URL"

// EnvRequirePostgres turns a missing server into a failure (CI sets it).
const EnvRequirePostgres = "DHMIG_REQUIRE_POSTGRES"

// SQLite returns the target of a new, empty SQLite file.
func SQLite(t testing.TB) database.Target {
	t.Helper()
	tg := database.Target{Kind: database.SQLite, Path: filepath.Join(t.TempDir(), "dhafnck_mcp.db")}
	db, err := database.Open(context.Background(), tg, database.OpenOptions{Create: true})
	if err != nil {
		t.Fatalf("create sqlite %s: %v", tg.Path, err)
	}
	db.Close()
	return tg
}

// adminURL returns the server URL, skipping or failing the test without one.
func adminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvPostgresURL)
	if u == "" {
		if os.Getenv(EnvRequirePostgres) == "1" {
			t.Fatalf("%s is unset but %s=1: PostgreSQL tests must run", EnvPostgresURL, EnvRequirePostgres)
		}
		t.Skipf("%s is unset: skipping PostgreSQL test", EnvPostgresURL)
	}
	return u
}

// Postgres creates a throw-away database and returns its target; it is
// dropped (with any open connections) when the test ends.
func Postgres(t testing.TB) database.Target {
	t.Helper()
	admin, err := database.ParseURL(adminURL(t))
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgresURL, err)
	}
	ctx := context.Background()
	adb, err := database.Open(ctx, admin, database.OpenOptions{ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("connect to %s: %v (start PostgreSQL or unset %s)", admin.Redacted(), err, EnvPostgresURL)
	}
	defer adb.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "dhmig_t_" + hex.EncodeToString(b)
	if _, err := adb.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		c, err := database.Open(context.Background(), admin, database.OpenOptions{ConnectTimeout: 10 * time.Second})
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
			return
		}
		defer c.Close()
		if _, err := c.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	tg := admin
	tg.Name = name
	tg.Params = map[string]string{}
	for k, v := range admin.Params {
		tg.Params[k] = v
	}
	return tg
}

// URL renders a target as a URL the dhmig binary accepts, password included.
func URL(tg database.Target) string { return tg.URL() }

// Open opens a target for a test and closes it at cleanup.
func Open(t testing.TB, tg database.Target) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), tg, database.OpenOptions{})
	if err != nil {
		t.Fatalf("open %s: %v", tg.Redacted(), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Fresh returns a new, empty database of the same engine as tg (a subtest
// that needs one of its own inside Each).
func Fresh(t testing.TB, tg database.Target) database.Target {
	t.Helper()
	if tg.Kind == database.SQLite {
		return SQLite(t)
	}
	return Postgres(t)
}

// Each runs fn once per engine, as subtests named sqlite and postgres, each
// with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, tg database.Target)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// BusySessions lists, as "state: query", the sessions of db's database
// (PostgreSQL) other than the caller's that are not idle: a transaction
// left open shows as "idle in transaction". A session whose connection was
// just closed can take a moment to end, so it waits up to 10 s for the
// list to empty and returns what is left.
func BusySessions(t testing.TB, db *database.DB) []string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var busy []string
		if err := db.SelectContext(context.Background(), &busy, `SELECT state || ': ' || query FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`); err != nil {
			t.Fatal(err)
		}
		if len(busy) == 0 || time.Now().After(deadline) {
			return busy
		}
	}
}
