package usermigrate

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/password"
)

// cleanFixture is data the one-pass copy can take: no conflicts, no
// unsupported hashes, no missing hashes; rows 3 and 6 are invalid (always
// rejected, never fatal), row 4 has no created_at.
func cleanFixture(t testing.TB) []fixtureRow {
	g := bcryptHash(t, "clean-password")
	var rows []fixtureRow
	for i := int64(1); i <= 8; i++ {
		rows = append(rows, fixtureRow{id: i, email: sp(fmt.Sprintf(" User%d@Example.com ", i)), username: sp(fmt.Sprintf("user%d", i)),
			hash: sp(g), created: at(int(i)), active: bp(i%2 == 0)})
	}
	rows[2].email, rows[2].fail = sp("not-an-email"), CodeInvalidEmail
	rows[3].created = nil
	rows[5].username, rows[5].fail = sp("   "), CodeMissingUsername
	return rows
}

// runLogged runs with a debug log and returns what the log says about the
// path taken, and whether the source was read on a sibling connection.
func runLogged(t *testing.T, db *database.DB, o Options, rollback bool) (res Result, rep []byte, path string, sibling bool, err error) {
	t.Helper()
	var logs bytes.Buffer
	o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	res, rep, err = run(t, db, o, rollback)
	sibling = strings.Contains(logs.String(), "reading the source on a sibling connection")
	path = "none"
	switch l := logs.String(); {
	case strings.Contains(l, "one-pass copy done"):
		path = "one pass"
	case strings.Contains(l, "one-pass copy abandoned"):
		i := strings.Index(l, "reason=")
		path = "abandoned: " + strings.SplitN(l[i+len("reason="):], " seconds=", 2)[0]
	case strings.Contains(l, "preflight done"):
		path = "careful"
	}
	return res, rep, path, sibling, err
}

// reportIDs lists the report's legacy ids in file order.
func reportIDs(t *testing.T, rep []byte) []string {
	t.Helper()
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(string(rep)), "\n") {
		if l == "" {
			continue
		}
		i := strings.Index(l, `"legacy_id":"`)
		if i < 0 {
			t.Fatalf("report line without legacy_id: %s", l)
		}
		ids = append(ids, strings.SplitN(l[i+len(`"legacy_id":"`):], `"`, 2)[0])
	}
	return ids
}

func TestRunPaths(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rows     func(testing.TB) []fixtureRow
		opts     Options
		existing string // an auth user made before the run: "" none, or its email
		filler   int    // more auth users made before the run, none conflicting
		want     string // the path the log names
		migrated int64  // -1: every row without a skip code; -2: without a fail code
	}{
		{"clean data: one pass", cleanFixture, Options{}, "", 0, "one pass", 6},
		{"clean data, sealed temps: one pass", withTemp(cleanFixture), Options{TempPasswords: password.TempSealed}, "", 0, "one pass", 6},
		{"bcrypt temps: abandoned", withTemp(cleanFixture), Options{}, "", 0, "abandoned: \"bcrypt temporary passwords to hash\"", 6},
		{"dry run hashes sealed: one pass", withTemp(cleanFixture), Options{DryRun: true}, "", 0, "one pass", 6},
		{"conflicts: abandoned at the write or the index rebuild", dirtyFixture, Options{OnConflict: ConflictSkip, UnsupportedHash: HashReset, TempPasswords: password.TempSealed},
			"", 0, "abandoned: \"rows collide (conflicts to resolve)\"", -1},
		{"fail policy: abandoned", dirtyFixture, Options{TempPasswords: password.TempSealed}, "", 0, "abandoned: \"rows rejected under a fail policy\"", -2},
		{"conflict with an existing user, indexes suspended: abandoned at the rebuild", cleanFixture, Options{OnConflict: ConflictSkip}, "user8@example.com", 0,
			"abandoned: \"rows collide (conflicts to resolve)\"", 5},
		{"conflict with an existing user, indexes kept: abandoned at the write", cleanFixture, Options{OnConflict: ConflictSkip}, "user8@example.com", 10,
			"abandoned: \"rows collide (conflicts to resolve)\"", 5},
		{"existing users, no conflict: one pass", cleanFixture, Options{}, "", 10, "one pass", 6},
		{"non-canonical existing user: careful from the start", cleanFixture, Options{}, "Someone@Example.com", 0, "careful", 6},
		{"preserved case: careful from the start", cleanFixture, Options{EmailCase: EmailPreserve}, "", 0, "careful", 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, tg database.Target) {
				rows := tc.rows(t)
				db := setup(t, tg, "legacy_users", "id", "email", rows)
				existing := []string{}
				if tc.existing != "" {
					existing = append(existing, tc.existing)
				}
				for i := range tc.filler {
					existing = append(existing, fmt.Sprintf("filler%d@example.org", i))
				}
				for i, e := range existing {
					name := strings.SplitN(strings.ToLower(e), "@", 2)[0] + "-existing"
					if _, err := db.Exec(db.Rebind(`INSERT INTO auth_users (id, email, username, password_hash) VALUES (?, ?, ?, ?)`),
						fmt.Sprintf("018f0000-0000-7000-8000-%012d", i), e, name, bcryptHash(t, "x")); err != nil {
						t.Fatal(err)
					}
				}
				o := tc.opts
				o.Now = runStart
				if tc.migrated < 0 {
					want := tc.migrated
					tc.migrated = 0
					for _, r := range rows {
						if want == -1 && r.skip == "" || want == -2 && r.fail == "" {
							tc.migrated++
						}
					}
				}
				defaults, objects := columnDefaults(t, db), schemaObjects(t, db)
				res, rep, path, sibling, err := runLogged(t, db, o, tc.opts.DryRun)
				// Load defaults (PostgreSQL) are gone after the run, and
				// every suspended index and key is back as it was, the
				// foreign keys of other tables on auth_users' included.
				if got := columnDefaults(t, db); !maps.Equal(got, defaults) {
					t.Errorf("column defaults after the run = %v, before = %v", got, defaults)
				}
				if got := schemaObjects(t, db); got != objects {
					t.Errorf("indexes and foreign keys after the run:\n%s\nbefore:\n%s", got, objects)
				}
				if path != tc.want {
					t.Errorf("path = %s, want %s", path, tc.want)
				}
				// PostgreSQL reads the source of a one-pass attempt on a
				// second backend (dhmig_user_map is empty in every case).
				if want := tg.Kind == database.Postgres && path != "careful"; sibling != want {
					t.Errorf("read on a sibling connection = %v, want %v", sibling, want)
				}
				if strings.Contains(tc.want, "fail policy") {
					if err == nil || res.Outcome != audit.OutcomeRejected {
						t.Fatalf("outcome %q, err %v: want rejected", res.Outcome, err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				if res.Migrated != tc.migrated {
					t.Errorf("migrated = %d, want %d", res.Migrated, tc.migrated)
				}
				// Every row is accounted for, the report is in source order
				// and, when written, dhmig_rejects holds exactly its ids.
				ids := reportIDs(t, rep)
				if int64(len(ids)) != res.Rejected || res.RowsRead != int64(len(rows)) || res.Migrated+res.Rejected != res.RowsRead {
					t.Errorf("read %d, migrated %d, rejected %d, report lines %d", res.RowsRead, res.Migrated, res.Rejected, len(ids))
				}
				if !slices.IsSortedFunc(ids, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y }) {
					t.Errorf("report not in source order: %v", ids)
				}
				written := err == nil && !tc.opts.DryRun
				var stored []string
				if err := db.Select(&stored, `SELECT legacy_id FROM dhmig_rejects ORDER BY CAST(legacy_id AS INTEGER)`); err != nil {
					t.Fatal(err)
				}
				if want := ids; !written {
					if len(stored) != 0 {
						t.Errorf("dhmig_rejects = %v after a run that wrote nothing", stored)
					}
				} else if !slices.Equal(stored, want) {
					t.Errorf("dhmig_rejects = %v, report = %v", stored, want)
				}
				var mapped int64
				if err := db.Get(&mapped, `SELECT COUNT(*) FROM dhmig_user_map`); err != nil {
					t.Fatal(err)
				}
				if want := map[bool]int64{true: res.Migrated, false: 0}[written]; mapped != want {
					t.Errorf("dhmig_user_map has %d rows, want %d", mapped, want)
				}
				// Staging tables never outlive the run.
				if names, _ := db.Dialect.Tables(context.Background(), db); slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "dhmig_stage") }) {
					t.Errorf("staging table left behind: %v", names)
				}
			})
		})
	}
}

// withTemp gives row 1 of a fixture a NULL hash.
func withTemp(f func(testing.TB) []fixtureRow) func(testing.TB) []fixtureRow {
	return func(t testing.TB) []fixtureRow {
		rows := f(t)
		rows[0].hash = nil
		return rows
	}
}

// schemaObjects lists the indexes and foreign keys of the tables the copy
// loads and of auth_refresh_tokens, whose key leans on auth_users.
func schemaObjects(t *testing.T, db *database.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, table := range []string{"auth_users", "auth_refresh_tokens", "dhmig_user_map"} {
		idx, err := db.Dialect.Indexes(ctx, db, table)
		if err != nil {
			t.Fatalf("indexes of %s: %v", table, err)
		}
		fks, err := db.Dialect.ForeignKeys(ctx, db, table)
		if err != nil || table != "auth_users" && len(fks) == 0 {
			t.Fatalf("foreign keys of %s: %v, %v", table, fks, err)
		}
		fmt.Fprintf(&b, "%s: %+v %+v\n", table, idx, fks)
	}
	return b.String()
}

// columnDefaults maps table.column to its default, for the tables the copy
// loads.
func columnDefaults(t *testing.T, db *database.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"auth_users", "dhmig_user_map"} {
		cols, err := db.Dialect.Columns(context.Background(), db, table)
		if err != nil || len(cols) == 0 {
			t.Fatalf("columns of %s: %v", table, err)
		}
		for _, c := range cols {
			out[table+"."+c.Name] = c.Default
		}
	}
	return out
}
