package main

import (
	"context"
	"os/exec"
	"reflect"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// The reference with the mapping must leave dhmig's schema exactly as
// dhmig schema up made it (every key, index and foreign key rebuilt under
// its name and definition), with every legacy row in auth_users and mapped
// to it; otherwise it would time less work than dhmig does.
func TestReferenceWithMapRebuildsDhmigSchema(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql is not on PATH")
	}
	ctx := context.Background()
	tg := dbtest.Postgres(t)
	db := dbtest.Open(t, tg)
	if _, err := db.ExecContext(ctx, `CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320),
		username VARCHAR(200), password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN);
		INSERT INTO legacy_users SELECT n, ' User' || n || '@Example.org ', 'user' || n,
		'$2b$04$' || repeat('a', 53), TIMESTAMP '2024-01-01' + n * INTERVAL '1 minute', n % 3 = 0
		FROM generate_series(1, 2000) AS n`); err != nil {
		t.Fatal(err)
	}
	m, err := schema.New(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	before := schemaObjects(t, db)
	if len(before) < 12 {
		t.Fatalf("schema up left %d keys and indexes, want at least 12: %v", len(before), before)
	}

	out, err := exec.CommandContext(ctx, "psql", psqlArgs(dbtest.URL(tg), "-c", pgIndexesAfterWithMap)...).CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if after := schemaObjects(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("keys and indexes after the reference differ from schema up's:\n got %v\nwant %v", after, before)
	}
	var users, mapped, emails int
	if err := db.QueryRowxContext(ctx, `SELECT (SELECT COUNT(*) FROM auth_users),
		(SELECT COUNT(*) FROM dhmig_user_map m JOIN auth_users u ON u.id = m.user_id
		 JOIN legacy_users l ON CAST(l.id AS TEXT) = m.legacy_id AND lower(trim(l.email)) = u.email),
		(SELECT COUNT(*) FROM auth_users WHERE email LIKE 'user%@example.org')`).Scan(&users, &mapped, &emails); err != nil {
		t.Fatal(err)
	}
	if users != 2000 || mapped != 2000 || emails != 2000 {
		t.Errorf("users %d, mapped to their legacy row %d, canonical emails %d; want 2000 each", users, mapped, emails)
	}
}

// schemaObjects lists the keys, constraints and indexes of dhmig's tables
// as the catalog prints them.
func schemaObjects(t *testing.T, db *database.DB) []string {
	t.Helper()
	var objs []string
	if err := db.SelectContext(context.Background(), &objs, `
		SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid IN ('auth_users'::regclass, 'dhmig_user_map'::regclass, 'auth_refresh_tokens'::regclass)
		UNION ALL
		SELECT tablename || ' ' || indexname || ' ' || indexdef FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename IN ('auth_users', 'dhmig_user_map', 'auth_refresh_tokens')
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	return objs
}
