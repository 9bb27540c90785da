package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// bkSeedLegacy creates legacy_users with n rows and a notes table.
func bkSeedLegacy(t *testing.T, db *database.DB, n int) {
	t.Helper()
	bkExec(t, db, `CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, username TEXT NOT NULL)`,
		`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`,
		`INSERT INTO notes VALUES (1, 'from before the backup')`)
	for i := 1; i <= n; i++ {
		if _, err := db.Exec(db.Rebind(`INSERT INTO legacy_users VALUES (?, ?, ?)`),
			i, fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("u%d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

func bkExec(t *testing.T, db *database.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// bkIDs lists the finished backup directories in dir.
func bkIDs(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range ents {
		if e.IsDir() && e.Name()[0] != '.' {
			ids = append(ids, e.Name())
		}
	}
	return ids
}

type bkJSON struct {
	ID       string `json:"id"`
	Path     string `json:"path"`
	Manifest struct {
		Files []struct {
			Path string `json:"path"`
			Role string `json:"role"`
		} `json:"files"`
	} `json:"manifest"`
	Pruned []string `json:"pruned"`
}

func bkParse(t *testing.T, r result) bkJSON {
	t.Helper()
	var b bkJSON
	if err := json.Unmarshal([]byte(r.Stdout), &b); err != nil || b.ID == "" {
		t.Fatalf("backup -o json: %v\n%s", err, r)
	}
	return b
}

// bkDBFile is the database file of a backup made in dir.
func bkDBFile(t *testing.T, dir string, b bkJSON) string {
	t.Helper()
	for _, f := range b.Manifest.Files {
		if f.Role == "database" {
			return filepath.Join(dir, b.Path, filepath.FromSlash(f.Path))
		}
	}
	t.Fatalf("backup %s has no database file", b.ID)
	return ""
}

// bkPasswordTarget gives a throw-away PostgreSQL database an owner role with
// a password and returns a target that logs in as it; role and database
// are dropped at cleanup.
func bkPasswordTarget(t *testing.T) (database.Target, string) {
	t.Helper()
	tg := dbtest.Postgres(t)
	admin := dbtest.Open(t, tg)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	role := "dhmig_t_" + hex.EncodeToString(b)
	secret := "s3cret-" + hex.EncodeToString(b) + "-pw"
	bkExec(t, admin, `CREATE ROLE `+role+` LOGIN PASSWORD '`+secret+`'`,
		`ALTER DATABASE `+tg.Name+` OWNER TO `+role, `ALTER SCHEMA public OWNER TO `+role)
	asAdmin := tg
	t.Cleanup(func() {
		ctx := context.Background()
		server := asAdmin
		server.Name = "postgres"
		a, err := database.Open(ctx, server, database.OpenOptions{})
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(`DROP DATABASE IF EXISTS ` + asAdmin.Name + ` WITH (FORCE)`)
		if _, err := a.Exec(`DROP ROLE IF EXISTS ` + role); err != nil {
			t.Logf("drop role %s: %v", role, err)
		}
	})
	tg.User, tg.Password = role, secret
	return tg, secret
}
