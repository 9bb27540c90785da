package database_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// The guide's auth_users columns, in order, with NOT NULL where declared.
var authUsersColumns = []struct {
	name    string
	notNull bool
}{
	{"id", true}, {"email", true}, {"username", true}, {"password_hash", true}, {"status", false},
	{"roles", false}, {"is_locked", false}, {"failed_login_attempts", false}, {"locked_at", false},
	{"lock_reason", false}, {"created_at", false}, {"updated_at", false}, {"verified_at", false},
	{"last_login_at", false},
}

func applySchema(t *testing.T, db *database.DB) {
	t.Helper()
	m, err := schema.New(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.UpEach(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
}

// TestDialectSuite is the one suite every dialect must pass on a real database.
func TestDialectSuite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		d := db.Dialect
		applySchema(t, db)

		t.Run("tables", func(t *testing.T) {
			tables, err := d.Tables(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			want := "auth_refresh_tokens,auth_users,dhmig_adopted_objects,dhmig_notifications,dhmig_rejects,dhmig_runs,dhmig_schema_migrations,dhmig_user_map"
			if got := strings.Join(tables, ","); got != want {
				t.Errorf("tables = %s, want %s", got, want)
			}
		})

		t.Run("columns", func(t *testing.T) {
			cols, err := d.Columns(ctx, db, "auth_users")
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) != len(authUsersColumns) {
				t.Fatalf("auth_users has %d columns, want %d: %+v", len(cols), len(authUsersColumns), cols)
			}
			for i, want := range authUsersColumns {
				c := cols[i]
				if c.Name != want.name || c.NotNull != want.notNull || c.Position != i+1 {
					t.Errorf("column %d = %+v, want %s not null=%v", i+1, c, want.name, want.notNull)
				}
			}
			if !cols[0].Primary || cols[1].Primary {
				t.Errorf("primary key flags wrong: id=%v email=%v", cols[0].Primary, cols[1].Primary)
			}
			if !strings.Contains(cols[4].Default, "pending_verification") {
				t.Errorf("status default = %q", cols[4].Default)
			}
			if !strings.Contains(cols[5].Default, "user") {
				t.Errorf("roles default = %q", cols[5].Default)
			}
			none, err := d.Columns(ctx, db, "no_such_table")
			if err != nil || len(none) != 0 {
				t.Errorf("missing table: %v, %v", none, err)
			}
		})

		t.Run("indexes", func(t *testing.T) {
			for table, want := range map[string]map[string]string{
				"auth_users":          {"idx_auth_users_email": "email", "idx_auth_users_username": "username", "idx_auth_users_status": "status"},
				"auth_refresh_tokens": {"idx_refresh_tokens_user_id": "user_id", "idx_refresh_tokens_family": "token_family"},
			} {
				ixs, err := d.Indexes(ctx, db, table)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				uniqueCols := map[string]bool{}
				for _, ix := range ixs {
					got[ix.Name] = strings.Join(ix.Columns, ",")
					if ix.Unique && len(ix.Columns) == 1 {
						uniqueCols[ix.Columns[0]] = true
					}
				}
				for name, col := range want {
					if got[name] != col {
						t.Errorf("%s: index %s on %q, want on %q (all: %v)", table, name, got[name], col, got)
					}
				}
				if table == "auth_users" && (!uniqueCols["email"] || !uniqueCols["username"] || !uniqueCols["id"]) {
					t.Errorf("auth_users unique columns = %v, want id, email, username", uniqueCols)
				}
			}
		})

		t.Run("foreign keys", func(t *testing.T) {
			fks, err := d.ForeignKeys(ctx, db, "auth_refresh_tokens")
			if err != nil {
				t.Fatal(err)
			}
			if len(fks) != 1 || fks[0].Column != "user_id" || fks[0].RefTable != "auth_users" ||
				fks[0].RefColumn != "id" || fks[0].OnDelete != "CASCADE" {
				t.Errorf("foreign keys = %+v", fks)
			}
		})

		t.Run("foreign keys enforced", func(t *testing.T) {
			_, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO auth_refresh_tokens (id, user_id, token_family, token_hash, expires_at)
				VALUES (?, ?, ?, 'h', ?)`), "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-0000000000ff",
				"00000000-0000-4000-8000-000000000002", d.Timestamp(time.Now()))
			if err == nil {
				t.Fatal("a refresh token for a missing user was accepted: foreign keys are off")
			}
		})

		t.Run("values round trip", func(t *testing.T) {
			at := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.FixedZone("X", 3600))
			id := "6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b"
			_, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO auth_users (id, email, username, password_hash, roles, is_locked, created_at)
				VALUES (?, 'a@example.com', 'a', 'x', ?, ?, ?)`), id, d.Roles([]string{"user", "admin"}), d.Bool(true), d.Timestamp(at))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				ID       string    `db:"id"`
				Created  time.Time `db:"created_at"`
				IsLocked bool      `db:"is_locked"`
				Status   string    `db:"status"`
			}
			if err := db.GetContext(ctx, &got, `SELECT id, created_at, is_locked, status FROM auth_users`); err != nil {
				t.Fatal(err)
			}
			if got.ID != id || !got.Created.Equal(at) || !got.IsLocked || got.Status != "pending_verification" {
				t.Errorf("round trip = %+v (created %s, want %s)", got, got.Created, at.UTC())
			}
			var n int
			if err := db.GetContext(ctx, &n, `SELECT COUNT(*) FROM auth_users WHERE `+rolesContains(d)); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("roles not stored as a list containing admin")
			}
		})

		t.Run("default id is a lowercase uuid", func(t *testing.T) {
			if _, err := db.ExecContext(ctx, `INSERT INTO auth_users (email, username, password_hash) VALUES ('b@example.com', 'b', 'x')`); err != nil {
				t.Fatal(err)
			}
			var id string
			if err := db.GetContext(ctx, &id, `SELECT CAST(id AS TEXT) FROM auth_users WHERE username = 'b'`); err != nil {
				t.Fatal(err)
			}
			if len(id) != 36 || strings.ToLower(id) != id || id[14] != '4' || strings.Count(id, "-") != 4 {
				t.Errorf("default id %q is not a lowercase version-4 UUID", id)
			}
		})

		t.Run("quote ident", func(t *testing.T) {
			q := d.QuoteIdent(`we"ird`)
			if _, err := db.ExecContext(ctx, `CREATE TABLE `+q+` (x INTEGER)`); err != nil {
				t.Fatalf("create %s: %v", q, err)
			}
			ok, err := database.TableExists(ctx, d, db, `we"ird`)
			if err != nil || !ok {
				t.Errorf("table %s not found: %v", q, err)
			}
		})

		t.Run("write lock", func(t *testing.T) { writeLockContract(t, tg) })
	})
}

// rolesContains is the test's own independent SQL for "roles holds admin".
func rolesContains(d database.Dialect) string {
	if d.Kind() == database.Postgres {
		return `'admin' = ANY(roles)`
	}
	return `EXISTS (SELECT 1 FROM json_each(roles) WHERE value = 'admin')`
}

func TestOpenMissingSQLiteFile(t *testing.T) {
	path := t.TempDir() + "/missing.db"
	_, err := database.Open(context.Background(), database.Target{Kind: database.SQLite, Path: path}, database.OpenOptions{})
	if !errors.Is(err, database.ErrNoDatabase) || !strings.Contains(err.Error(), path) {
		t.Fatalf("open missing file: %v", err)
	}
}

func TestOpenUnreachableServerRedactsPassword(t *testing.T) {
	tg := database.Target{Kind: database.Postgres, Host: "127.0.0.1", Port: 1, User: "u", Password: "s3cret", Name: "x"}
	_, err := database.Open(context.Background(), tg, database.OpenOptions{ConnectTimeout: 2 * time.Second})
	if !errors.Is(err, database.ErrConnect) {
		t.Fatalf("err = %v, want ErrConnect", err)
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error must name the host and hide the password: %v", err)
	}
}
