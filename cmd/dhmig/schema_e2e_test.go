package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

func TestSchemaUpStatusDownE2E(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		if _, err := db.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email TEXT)`); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dbtest.URL(tg)}

		r := runDhmig(t, dir, env, "schema", "up")
		mustCode(t, r, 0)
		for _, want := range []string{"applied 0001_auth_schema", "applied 0002_dhmig_bookkeeping", "applied 0003_legacy_id_collation", "applied 0004_rejects_per_row", "applied 0005_notifications", "schema is now at version 0005"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("schema up stdout lacks %q:\n%s", want, r)
			}
		}

		r = runDhmig(t, dir, env, "schema", "up")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "nothing to apply") {
			t.Errorf("second schema up should say nothing to apply:\n%s", r)
		}

		r = runDhmig(t, dir, env, "schema", "status", "-o", "json")
		mustCode(t, r, 0)
		var st struct {
			Current  int `json:"current_version"`
			Versions []struct {
				Version  int    `json:"version"`
				State    string `json:"state"`
				Checksum string `json:"checksum"`
			} `json:"versions"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil {
			t.Fatalf("status json: %v\n%s", err, r)
		}
		if st.Current != 5 || len(st.Versions) != 5 {
			t.Fatalf("status = %+v", st)
		}
		for _, v := range st.Versions {
			if v.State != "applied" || len(v.Checksum) != 64 {
				t.Errorf("version %d: state %q checksum %q", v.Version, v.State, v.Checksum)
			}
		}

		r = runDhmig(t, dir, env, "schema", "down")
		mustCode(t, r, 2)
		if !strings.Contains(r.Stderr, "--yes") {
			t.Errorf("schema down without a terminal should ask for --yes:\n%s", r)
		}
		tables, err := db.Dialect.Tables(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 9 { // legacy_users, the auth tables and dhmig's bookkeeping
			t.Fatalf("refused schema down must change nothing; tables = %v", tables)
		}

		r = runDhmig(t, dir, env, "schema", "down", "--yes")
		mustCode(t, r, 0)
		tables, err = db.Dialect.Tables(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(tables, ",") != "legacy_users" {
			t.Fatalf("after schema down only legacy_users may remain, got %v", tables)
		}
	})
}
