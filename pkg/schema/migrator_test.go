package schema_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

func TestChecksumNormalisesLineEndings(t *testing.T) {
	lf := schema.Checksum("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n")
	if crlf := schema.Checksum("CREATE TABLE a (x INT);\r\nCREATE TABLE b (y INT);\r\n"); crlf != lf {
		t.Errorf("CRLF checksum %s != LF checksum %s", crlf, lf)
	}
	if other := schema.Checksum("CREATE TABLE a (x BIGINT);\n"); other == lf {
		t.Error("different SQL has the same checksum")
	}
}

func TestLoadRejectsIncompleteVersions(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"needs both .up.sql and .down.sql": {
			"sqlite/history.sql":      {Data: []byte("CREATE TABLE x (y INT);")},
			"sqlite/0001_a.up.sql":    {Data: []byte("CREATE TABLE a (x INT);")},
			"sqlite/0002_b.up.sql":    {Data: []byte("CREATE TABLE b (x INT);")},
			"sqlite/0002_b.down.sql":  {Data: []byte("DROP TABLE b;")},
			"sqlite/0001_a.down.sqlx": {Data: []byte("ignored")},
		},
		"has two names": {
			"sqlite/history.sql":     {Data: []byte("CREATE TABLE x (y INT);")},
			"sqlite/0001_a.up.sql":   {Data: []byte("CREATE TABLE a (x INT);")},
			"sqlite/0001_b.down.sql": {Data: []byte("DROP TABLE a;")},
		},
		"history.sql": {
			"sqlite/0001_a.up.sql":   {Data: []byte("CREATE TABLE a (x INT);")},
			"sqlite/0001_a.down.sql": {Data: []byte("DROP TABLE a;")},
		},
	}
	d, err := database.DialectFor(database.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	for want, fsys := range tests {
		t.Run(want, func(t *testing.T) {
			_, err := schema.NewFromFS(fsys, d)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("NewFromFS: %v, want an error about %q", err, want)
			}
		})
	}
}

func testFS(v1 string) fstest.MapFS {
	return fstest.MapFS{
		"sqlite/history.sql":       {Data: []byte("CREATE TABLE IF NOT EXISTS dhmig_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMP NOT NULL, duration_ms INTEGER NOT NULL);")},
		"sqlite/0001_one.up.sql":   {Data: []byte(v1)},
		"sqlite/0001_one.down.sql": {Data: []byte("DROP TABLE one;")},
		"sqlite/0002_two.up.sql":   {Data: []byte("CREATE TABLE two (x INT);")},
		"sqlite/0002_two.down.sql": {Data: []byte("DROP TABLE two;")},
	}
}

func TestStatusReportsDriftAndUnknownVersions(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, dbtest.SQLite(t))
	d := db.Dialect
	m, err := schema.NewFromFS(testFS("CREATE TABLE one (x INT);"), d)
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.Status(ctx, db)
	if err != nil || st.Current != 0 || st.Pending != 2 {
		t.Fatalf("fresh status = %+v, %v", st, err)
	}
	if steps, err := m.UpEach(ctx, db.DB); err != nil || len(steps) != 2 {
		t.Fatalf("UpEach = %v, %v", steps, err)
	}

	edited, err := schema.NewFromFS(testFS("CREATE TABLE one (x INT, y INT);"), d)
	if err != nil {
		t.Fatal(err)
	}
	st, err = edited.Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Drift || st.Versions[0].State != schema.StateDrift || st.Versions[1].State != schema.StateApplied {
		t.Fatalf("edited file not reported as drift: %+v", st)
	}
	if st.Versions[0].Checksum == st.Versions[0].AppliedChecksum {
		t.Error("drifted version shows equal checksums")
	}

	if _, err := db.Exec(`INSERT INTO dhmig_schema_migrations VALUES (9, 'future', 'abc', '2026-01-01 00:00:00', 0)`); err != nil {
		t.Fatal(err)
	}
	st, err = m.Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	last := st.Versions[len(st.Versions)-1]
	if !st.Drift || last.Version != 9 || last.State != schema.StateUnknown || st.Current != 9 {
		t.Fatalf("unknown version not reported: %+v", st)
	}
	if _, err := m.DownEach(ctx, db.DB, 0); err == nil || !strings.Contains(err.Error(), "0009") {
		t.Fatalf("down over an unknown version: %v, want a refusal naming 0009", err)
	}
}

func tables(t *testing.T, db *database.DB) string {
	t.Helper()
	names, err := db.Dialect.Tables(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, ",")
}

func TestUpInCallersTransactionRollsBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		m, err := schema.New(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		steps, err := m.Up(ctx, tx)
		if err != nil || len(steps) != m.Latest() {
			t.Fatalf("Up = %v, %v", steps, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if got := tables(t, db); got != "" {
			t.Fatalf("rolled-back Up left tables: %s", got)
		}
	})
}

func TestDownToKeepsEarlierVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		m, err := schema.New(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.UpEach(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		steps, err := m.DownEach(ctx, db.DB, 1)
		if err != nil || len(steps) != m.Latest()-1 || steps[0].Version != m.Latest() || steps[len(steps)-1].Version != 2 || steps[0].Direction != "down" {
			t.Fatalf("DownEach(to 1) = %+v, %v", steps, err)
		}
		if got := tables(t, db); got != "auth_refresh_tokens,auth_users,dhmig_adopted_objects,dhmig_schema_migrations" {
			t.Fatalf("after down to 1: %s", got)
		}
		st, err := m.Status(ctx, db)
		if err != nil || st.Current != 1 || st.Pending != m.Latest()-1 {
			t.Fatalf("status after down to 1 = %+v, %v", st, err)
		}
	})
}

// TestPrintedSQLIsWhatDhmigApplies runs the printed SQL by hand, as an
// advanced user would, and checks dhmig then sees the schema as applied.
func TestPrintedSQLIsWhatDhmigApplies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		if _, err := db.Exec(`CREATE TABLE legacy_users (id INTEGER PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		m, err := schema.New(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		var up bytes.Buffer
		if err := m.Print(&up, false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(up.String()); err != nil {
			t.Fatalf("printed SQL failed: %v", err)
		}
		st, err := m.Status(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if st.Current != m.Latest() || st.Pending != 0 || st.Drift {
			t.Fatalf("after the printed SQL, status = %+v", st)
		}
		if steps, err := m.UpEach(ctx, db.DB); err != nil || len(steps) != 0 {
			t.Fatalf("UpEach after manual apply = %v, %v", steps, err)
		}

		var down bytes.Buffer
		if err := m.Print(&down, true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(down.String()); err != nil {
			t.Fatalf("printed down SQL failed: %v", err)
		}
		if got := tables(t, db); got != "legacy_users" {
			t.Fatalf("after the printed down SQL: %s", got)
		}
	})
}
