package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// passwordTarget gives a throw-away database a login role with a password
// and returns a target that connects as it (trust auth accepts it anyway:
// the point is where the password could leak).
func passwordTarget(t *testing.T) (database.Target, string) {
	t.Helper()
	tg := dbtest.Postgres(t)
	admin := openDB(t, tg)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	role := "dhmig_t_" + hex.EncodeToString(b)
	secret := "s3cret-" + hex.EncodeToString(b) + "-pw"
	mustExec(t, admin, `CREATE ROLE `+role+` LOGIN PASSWORD '`+secret+`'`)
	mustExec(t, admin, `ALTER DATABASE `+tg.Name+` OWNER TO `+role)
	mustExec(t, admin, `ALTER SCHEMA public OWNER TO `+role)
	asAdmin := tg
	t.Cleanup(func() {
		tg := asAdmin
		// The database is dropped by dbtest's cleanup, registered earlier and so run later.
		c, err := database.Open(context.Background(), tg, database.OpenOptions{})
		if err == nil {
			_, _ = c.Exec(`REASSIGN OWNED BY ` + role + ` TO CURRENT_USER`)
			_, _ = c.Exec(`DROP OWNED BY ` + role)
			c.Close()
		}
		a, err := database.Open(context.Background(), adminTarget(tg), database.OpenOptions{})
		if err == nil {
			_, _ = a.Exec(`DROP DATABASE IF EXISTS ` + tg.Name + ` WITH (FORCE)`)
			if _, err := a.Exec(`DROP ROLE IF EXISTS ` + role); err != nil {
				t.Logf("drop role %s: %v", role, err)
			}
			a.Close()
		}
	})
	tg.User, tg.Password = role, secret
	return tg, secret
}

func adminTarget(tg database.Target) database.Target {
	a := tg
	a.Name = "postgres"
	return a
}

func TestPostgresPasswordNeverWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, secret := passwordTarget(t)
	db := openDB(t, tg)
	seed(t, db, 3)
	dir := t.TempDir()
	var log bytes.Buffer
	m := create(t, db, Options{Dir: dir, Log: &log})
	if m.Database.Identity != tg.Identity() || strings.Contains(m.Database.Display, secret) {
		t.Fatalf("manifest database = %+v", m.Database)
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s contains the database password", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `DROP TABLE notes`)
	p, err := planAndRestore(ctx, db, RestoreOptions{Dir: dir, Ref: m.ID, Log: &log})
	if err != nil {
		t.Fatalf("restore as a password role: %v", err)
	}
	if !strings.Contains(p.Database, "***") || strings.Contains(p.Database+log.String(), secret) {
		t.Errorf("plan/log show the password: %q %q", p.Database, log.String())
	}
	if ok, _ := database.TableExists(ctx, db.Dialect, db, "notes"); !ok {
		t.Error("restore did not bring notes back")
	}
}
