package schema_test

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	sqlfiles "github.com/dhafnckmcp/dhmig/sql"
)

// appAuthUsers creates auth_users as the application would have: the
// guide's table (0001's own statement), one column of the app's own, its
// email index, and two users of the app's.
func appAuthUsers(t *testing.T, db *database.DB) {
	t.Helper()
	up, err := fs.ReadFile(sqlfiles.FS, string(db.Dialect.Kind())+"/0001_auth_schema.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	create := strings.SplitN(string(up), ";\n", 2)[0]
	for _, s := range []string{create,
		`ALTER TABLE auth_users ADD COLUMN display_name TEXT`,
		`CREATE INDEX idx_auth_users_email ON auth_users(email)`,
		`INSERT INTO auth_users (id, email, username, password_hash) VALUES
			('11111111-1111-4111-8111-111111111111', 'app1@example.com', 'app1', 'x'),
			('11111111-1111-4111-8111-111111111112', 'app2@example.com', 'app2', 'x')`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func emails(t *testing.T, db *database.DB) []string {
	t.Helper()
	var out []string
	if err := db.Select(&out, `SELECT email FROM auth_users ORDER BY email`); err != nil {
		t.Fatal(err)
	}
	return out
}

func indexNames(t *testing.T, db *database.DB, table string) []string {
	t.Helper()
	idx, err := db.Dialect.Indexes(context.Background(), db, table)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ix := range idx {
		if strings.HasPrefix(ix.Name, "idx_") {
			out = append(out, ix.Name)
		}
	}
	return out
}

// TestDownKeepsAdoptedTable: an auth_users the app created is adopted by
// schema up, and schema down removes only the users dhmig migrated into it
// (through dhmig_user_map) and what dhmig created, never the table.
func TestDownKeepsAdoptedTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		appAuthUsers(t, db)
		m, err := schema.New(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		steps, err := m.UpEach(ctx, db.DB)
		if err != nil || len(steps) != m.Latest() {
			t.Fatalf("UpEach = %+v, %v", steps, err)
		}
		if !reflect.DeepEqual(steps[0].Adopted, []string{"auth_users"}) {
			t.Fatalf("0001 adopted %v, want [auth_users]", steps[0].Adopted)
		}
		adopted, err := m.Adopted(ctx, db)
		if err != nil || !reflect.DeepEqual(adopted, map[string]string{"auth_users": "table", "idx_auth_users_email": "index"}) {
			t.Fatalf("Adopted = %v, %v", adopted, err)
		}
		if got := indexNames(t, db, "auth_users"); strings.Join(got, ",") != "idx_auth_users_email,idx_auth_users_status,idx_auth_users_username" {
			t.Fatalf("indexes after adoption: %v", got)
		}

		// A user dhmig migrated, as the copy writes it: the row and its map entry.
		for _, s := range []string{
			`INSERT INTO auth_users (id, email, username, password_hash) VALUES ('22222222-2222-4222-8222-222222222222', 'moved@example.com', 'moved', 'x')`,
			`INSERT INTO dhmig_user_map (legacy_id, user_id, hash_scheme, run_id) VALUES ('7', '22222222-2222-4222-8222-222222222222', 'bcrypt', 'r1')`,
		} {
			if _, err := db.Exec(s); err != nil {
				t.Fatal(err)
			}
		}

		steps, err = m.DownEach(ctx, db.DB, 0)
		if err != nil {
			t.Fatalf("DownEach: %v", err)
		}
		var kept []string
		var removed int64
		for _, s := range steps {
			kept = append(kept, s.Kept...)
			removed += s.RowsRemoved
		}
		if !reflect.DeepEqual(kept, []string{"auth_users"}) || removed != 1 {
			t.Errorf("down steps kept %v and removed %d rows, want [auth_users] and 1: %+v", kept, removed, steps)
		}
		if got := tables(t, db); got != "auth_users" {
			t.Fatalf("after down: tables %s, want the adopted auth_users only", got)
		}
		if got := emails(t, db); !reflect.DeepEqual(got, []string{"app1@example.com", "app2@example.com"}) {
			t.Fatalf("after down auth_users holds %v, want the app's two users", got)
		}
		if got := indexNames(t, db, "auth_users"); !reflect.DeepEqual(got, []string{"idx_auth_users_email"}) {
			t.Errorf("after down the indexes are %v, want the app's own idx_auth_users_email only", got)
		}

		// Up again adopts again: nothing of the earlier adoption lingers.
		steps, err = m.UpEach(ctx, db.DB)
		if err != nil || !reflect.DeepEqual(steps[0].Adopted, []string{"auth_users"}) {
			t.Fatalf("second UpEach = %+v, %v", steps, err)
		}
	})
}

// TestUpRefusesIncompatibleTable: a table dhmig could not write into is
// refused by name and column, and nothing is applied or recorded.
func TestUpRefusesIncompatibleTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		if _, err := db.Exec(`CREATE TABLE auth_users (id INTEGER PRIMARY KEY, email INTEGER NOT NULL, username VARCHAR(20), tenant TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		m, err := schema.New(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		steps, err := m.UpEach(ctx, db.DB)
		if !errors.Is(err, schema.ErrIncompatibleTable) || len(steps) != 0 {
			t.Fatalf("UpEach = %v, %v; want ErrIncompatibleTable", steps, err)
		}
		for _, want := range []string{"auth_users", "column id", "column email", "column username VARCHAR(100), not", "password_hash", "(tenant)"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
		if got := tables(t, db); got != "auth_users" {
			t.Fatalf("a refused adoption left tables: %s", got)
		}
		if _, err := m.Up(ctx, db); !errors.Is(err, schema.ErrIncompatibleTable) {
			t.Fatalf("Up (migrate's path) = %v, want ErrIncompatibleTable", err)
		}
	})
}
