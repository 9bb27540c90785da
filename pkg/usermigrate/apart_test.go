package usermigrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// apartPairs are the target and source engines of the cross-database
// tests: the flows that matter (SQLite and PostgreSQL into PostgreSQL) and
// the other two.
var apartPairs = []struct {
	name        string
	target, src func(testing.TB) database.Target
}{
	{"sqlite_to_postgres", dbtest.Postgres, dbtest.SQLite},
	{"postgres_to_postgres", dbtest.Postgres, dbtest.Postgres},
	{"postgres_to_sqlite", dbtest.SQLite, dbtest.Postgres},
	{"sqlite_to_sqlite", dbtest.SQLite, dbtest.SQLite},
}

// sourceOnly makes a database holding just the legacy table.
func sourceOnly(t *testing.T, tg database.Target, rows []fixtureRow) *database.DB {
	t.Helper()
	db := dbtest.Open(t, tg)
	if _, err := db.Exec(fmt.Sprintf(legacyDDL, "legacy_users", "id", "email")); err != nil {
		t.Fatal(err)
	}
	insertLegacy(t, db, "legacy_users", "id", "email", rows)
	return db
}

// targetOnly makes a database with the auth schema and no legacy table.
func targetOnly(t *testing.T, tg database.Target) *database.DB {
	t.Helper()
	db := dbtest.Open(t, tg)
	m, err := schema.New(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.UpEach(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
	return db
}

// openSnapshot opens src read-only with its snapshot, as --source-url does;
// close ends both.
func openSnapshot(t *testing.T, src database.Target) (*database.Snapshot, func()) {
	t.Helper()
	ctx := context.Background()
	sdb, err := database.Open(ctx, src, database.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := sdb.Snapshot(ctx)
	if err != nil {
		sdb.Close()
		t.Fatal(err)
	}
	return snap, func() {
		if err := snap.Close(); err != nil {
			t.Error(err)
		}
		sdb.Close()
	}
}

// runApart is run with the legacy table read from src.
func runApart(t *testing.T, db *database.DB, src database.Target, o Options, rollback bool) (Result, []byte, error) {
	t.Helper()
	snap, closeSnap := openSnapshot(t, src)
	defer closeSnap()
	o.Source = snap
	return run(t, db, o, rollback)
}

// sourceState is what must not change in a source: its rows, and for a
// SQLite file every byte of it.
func sourceState(t *testing.T, tg database.Target, db *database.DB) string {
	t.Helper()
	state := strings.Join(snapshot(t, db, "legacy_users", "id"), "\n")
	if tg.Kind == database.SQLite {
		b, err := os.ReadFile(tg.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		state += "\nsha256 " + hex.EncodeToString(sum[:])
	}
	return state
}

// apartRejects is a report as legacy id -> code/field/conflict (the run ids
// differ between runs).
func apartRejects(t *testing.T, rep []byte) map[string]string {
	out := map[string]string{}
	for id, l := range parseReport(t, rep) {
		out[id] = l.Code + "/" + l.Field + "/" + l.ConflictsWith
	}
	return out
}

func sameCounts(t *testing.T, step string, got, want Result) {
	t.Helper()
	if got.RowsRead != want.RowsRead || got.AlreadyMigrated != want.AlreadyMigrated || got.Migrated != want.Migrated ||
		got.Rejected != want.Rejected || got.TempPasswords != want.TempPasswords || got.Outcome != want.Outcome ||
		!reflect.DeepEqual(got.RejectedByCode, want.RejectedByCode) {
		t.Fatalf("%s: across databases %+v\nwant (one database) %+v", step, got, want)
	}
}

// TestRunApart migrates the dirty fixture from a source database into
// another one and holds each run to the same run on one database: the same
// counts, the same rows migrated and rejected with the same codes, every
// row accounted for; parity passes; a second run migrates nothing; rows
// added later are migrated incrementally (the map merge), by the one-pass
// copy and by the careful path; and the source is never changed — a SQLite
// source file stays byte-identical.
func TestRunApart(t *testing.T) {
	// Pages of a few map ids, so that the merge crosses many of them.
	defer func(n int) { mapPage = n }(mapPage)
	mapPage = 4
	for _, pair := range apartPairs {
		t.Run(pair.name, func(t *testing.T) {
			rows := dirtyFixture(t)
			srcTg := pair.src(t)
			sdb := sourceOnly(t, srcTg, rows)
			tdb := targetOnly(t, pair.target(t))
			ref := setup(t, pair.target(t), "legacy_users", "id", "email", rows)
			before := sourceState(t, srcTg, sdb)

			// Default policies: rejected, nothing written anywhere.
			if _, _, err := runApart(t, tdb, srcTg, Options{Now: runStart}, false); !errors.Is(err, ErrRejected) {
				t.Fatalf("default policies: err = %v, want ErrRejected", err)
			}
			if n := count(t, tdb, "auth_users"); n != 0 {
				t.Fatalf("a rejected run wrote %d users", n)
			}

			o := Options{Now: runStart, OnConflict: ConflictSkip, UnsupportedHash: HashReset, TempPasswords: password.TempSealed}
			step := func(name string) Result {
				t.Helper()
				want, wantRep := mustRun(t, ref, o, false)
				got, gotRep, err := runApart(t, tdb, srcTg, o, false)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				sameCounts(t, name, got, want)
				if g, w := apartRejects(t, gotRep), apartRejects(t, wantRep); !reflect.DeepEqual(g, w) {
					t.Fatalf("%s: rejects %v, want %v", name, g, w)
				}
				var g, w []string
				for _, db := range []*database.DB{tdb, ref} {
					var ids []string
					if err := db.Select(&ids, `SELECT legacy_id || ' ' || hash_scheme || ' ' || u.email FROM dhmig_user_map m
						JOIN auth_users u ON u.id = m.user_id ORDER BY legacy_id`); err != nil {
						t.Fatal(err)
					}
					if db == tdb {
						g = ids
					} else {
						w = ids
					}
				}
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("%s: migrated %v\nwant %v", name, g, w)
				}
				if got.AlreadyMigrated+got.Migrated+got.Rejected != got.RowsRead {
					t.Fatalf("%s: %d rows read, %d already migrated + %d migrated + %d rejected", name,
						got.RowsRead, got.AlreadyMigrated, got.Migrated, got.Rejected)
				}
				if s := sourceState(t, srcTg, sdb); s != before {
					t.Fatalf("%s changed the source", name)
				}
				verifyApart(t, tdb, srcTg)
				return got
			}

			first := step("first run")
			if first.Migrated+first.Rejected != int64(len(rows)) || first.Migrated == 0 || first.Rejected == 0 {
				t.Fatalf("first run: %d migrated + %d rejected of %d rows", first.Migrated, first.Rejected, len(rows))
			}
			if second := step("second run"); second.Migrated != 0 || second.AlreadyMigrated != first.Migrated {
				t.Fatalf("second run migrated %d (already %d)", second.Migrated, second.AlreadyMigrated)
			}

			// Rows added on both sides: ids whose byte order ("1000" < "35")
			// is not their numeric order, clean (one pass), then one that
			// conflicts with a migrated user (the careful path).
			g := bcryptHash(t, "later")
			added := []fixtureRow{
				{id: 35, email: sp("later35@example.com"), username: sp("later35"), hash: sp(g), created: at(2), active: bp(true)},
				{id: 1000, email: sp("later1000@example.com"), username: sp("later1000"), hash: sp(g), created: at(2), active: bp(true)},
			}
			for _, db := range []*database.DB{sdb, ref} {
				insertLegacy(t, db, "legacy_users", "id", "email", added)
			}
			before = sourceState(t, srcTg, sdb)
			if third := step("rows added"); third.Migrated != 2 || third.AlreadyMigrated != first.Migrated {
				t.Fatalf("rows added: migrated %d (already %d), want 2", third.Migrated, third.AlreadyMigrated)
			}
			clash := []fixtureRow{{id: 36, email: sp("LATER35@example.com"), username: sp("clash"), hash: sp(g), created: at(3), active: bp(true)}}
			for _, db := range []*database.DB{sdb, ref} {
				insertLegacy(t, db, "legacy_users", "id", "email", clash)
			}
			before = sourceState(t, srcTg, sdb)
			if fourth := step("conflicting row added"); fourth.Migrated != 0 || fourth.RejectedByCode[CodeConflictEmail] != first.RejectedByCode[CodeConflictEmail]+1 {
				t.Fatalf("conflicting row added: %+v", fourth)
			}
		})
	}
}

// verifyApart runs verify's parity checks across the two databases: they
// must pass after every run.
func verifyApart(t *testing.T, db *database.DB, src database.Target) {
	t.Helper()
	snap, closeSnap := openSnapshot(t, src)
	defer closeSnap()
	rep, err := integrity.Run(context.Background(), db, db.Dialect, integrity.Options{
		Only: []string{"parity.legacy_rows", "parity.mapped_values"}, Source: integrity.Source{From: snap}})
	if err != nil {
		t.Fatalf("verify across databases: %v (%+v)", err, rep.Checks)
	}
	if rep.Summary.Passed != 2 {
		t.Fatalf("verify across databases: %+v", rep.Checks)
	}
}

// TestMapFilterPages holds the merge with dhmig_user_map to a set lookup
// over ids that span many pages, with gaps, ids the map has beyond the
// source's, and source ids sharing a prefix in byte order ("1" < "10" <
// "2"), on both engines.
func TestMapFilterPages(t *testing.T) {
	defer func(n int) { mapPage = n }(mapPage)
	mapPage = 3
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := targetOnly(t, tg)
		inMap := map[string]bool{}
		for i := 0; i < 60; i++ {
			if i%3 == 1 {
				continue // gaps
			}
			id := fmt.Sprint(i * 7)
			inMap[id] = true
			uid := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			if _, err := db.Exec(db.Rebind(`INSERT INTO auth_users (id, email, username, password_hash) VALUES (?, ?, ?, 'x')`),
				uid, "u"+id+"@example.com", "u"+id); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(db.Rebind(`INSERT INTO dhmig_user_map (legacy_id, user_id, temp_password, hash_scheme, migrated_at, run_id)
				VALUES (?, ?, ?, 'bcrypt', ?, 'r')`), id, uid, db.Dialect.Bool(false), db.Dialect.Timestamp(runStart)); err != nil {
				t.Fatal(err)
			}
		}
		var ids []string
		for i := 0; i < 300; i += 2 {
			ids = append(ids, fmt.Sprint(i))
		}
		slices.Sort(ids) // byte order, as the source query returns them
		tx, err := db.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		r := &runner{ctx: context.Background(), tx: tx, d: db.Dialect, o: &Options{SourceTable: "legacy_users"}}
		f := r.newMapFilter()
		found := 0
		for _, id := range ids {
			got, err := f.migrated(id)
			if err != nil {
				t.Fatal(err)
			}
			if got != inMap[id] {
				t.Fatalf("migrated(%q) = %v, want %v", id, got, inMap[id])
			}
			if got {
				found++
			}
		}
		if found < 10 {
			t.Fatalf("only %d ids found in the map: the test does not span pages", found)
		}
		if _, err := f.migrated("0"); err == nil {
			t.Fatal("an id out of byte order must be an error, not a wrong answer")
		}
	})
}

// TestRunApartOnePass: clean data from another database takes the one-pass
// copy, the first time reading the source beside the writes (no sibling
// connection: the source is one already), and on later runs merging the
// source with dhmig_user_map on the writing goroutine; each run migrates
// exactly the new rows and parity passes; the source never changes.
func TestRunApartOnePass(t *testing.T) {
	defer func(n int) { mapPage = n }(mapPage)
	mapPage = 2
	for _, pair := range apartPairs {
		t.Run(pair.name, func(t *testing.T) {
			srcTg := pair.src(t)
			sdb := sourceOnly(t, srcTg, cleanFixture(t))
			tdb := targetOnly(t, pair.target(t))
			step := func(name string, wantMigrated, wantRejected int64) {
				t.Helper()
				before := sourceState(t, srcTg, sdb)
				snap, closeSnap := openSnapshot(t, srcTg)
				res, _, path, sibling, err := runLogged(t, tdb, Options{Now: runStart, Source: snap}, false)
				closeSnap()
				if err != nil || path != "one pass" || sibling || res.Migrated != wantMigrated || res.Rejected != wantRejected {
					t.Fatalf("%s: path %q, sibling %v, err %v, result %+v; want one pass, %d migrated, %d rejected",
						name, path, sibling, err, res, wantMigrated, wantRejected)
				}
				if sourceState(t, srcTg, sdb) != before {
					t.Fatalf("%s changed the source", name)
				}
				verifyApart(t, tdb, srcTg)
			}
			step("first run", 6, 2)
			g := bcryptHash(t, "later")
			var more []fixtureRow
			for id := int64(10); id <= 34; id += 4 { // "10" < "14" < … < "34" < "6" < "7": byte order
				more = append(more, fixtureRow{id: id, email: sp(fmt.Sprintf("more%d@example.com", id)), username: sp(fmt.Sprintf("more%d", id)),
					hash: sp(g), created: at(int(id)), active: bp(true)})
			}
			insertLegacy(t, sdb, "legacy_users", "id", "email", more)
			step("rows added", int64(len(more)), 2)
			step("again", 0, 2)
		})
	}
}
