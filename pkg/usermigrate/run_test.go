package usermigrate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/password"
)

var runStart = time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)

func parseReport(t *testing.T, rep []byte) map[string]RejectLine {
	t.Helper()
	out := map[string]RejectLine{}
	sc := bufio.NewScanner(bytes.NewReader(rep))
	for sc.Scan() {
		var l RejectLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("report line %q: %v", sc.Text(), err)
		}
		if l.LegacyID == nil {
			t.Fatalf("report line without legacy_id: %s", sc.Text())
		}
		if _, dup := out[*l.LegacyID]; dup {
			t.Fatalf("legacy id %s reported twice", *l.LegacyID)
		}
		out[*l.LegacyID] = l
	}
	return out
}

// assertNoSecrets fails when the report holds any email, username or hash
// of the fixture.
func assertNoSecrets(t *testing.T, rep []byte, rows []fixtureRow) {
	t.Helper()
	for _, r := range rows {
		for _, v := range []*string{r.email, r.hash} {
			if v != nil && len(strings.TrimSpace(*v)) > 3 && bytes.Contains(rep, []byte(strings.TrimSpace(*v))) {
				t.Errorf("report contains a value of legacy row %d", r.id)
			}
		}
	}
	if bytes.Contains(rep, []byte("$2")) || bytes.Contains(rep, []byte("@")) {
		t.Errorf("report contains a hash or an email:\n%s", rep)
	}
}

func TestRunDefaultPoliciesRejectAndWriteNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		rows := dirtyFixture(t)
		db := setup(t, tg, "legacy_users", "id", "email", rows)
		before := snapshot(t, db, "legacy_users", "id")

		res, rep, err := run(t, db, Options{Now: runStart}, false)
		if !errors.Is(err, ErrRejected) {
			t.Fatalf("err = %v, want ErrRejected", err)
		}
		if res.Outcome != audit.OutcomeRejected {
			t.Errorf("outcome = %q", res.Outcome)
		}
		for _, table := range []string{"auth_users", "dhmig_user_map", "dhmig_rejects"} {
			if n := count(t, db, table); n != 0 {
				t.Errorf("%s has %d rows after a rejected run", table, n)
			}
		}
		got := parseReport(t, rep)
		want := 0
		for _, r := range rows {
			id := itoa(r.id)
			if r.fail == "" {
				if l, ok := got[id]; ok {
					t.Errorf("row %d reported as %s, want migrated", r.id, l.Code)
				}
				continue
			}
			want++
			if got[id].Code != r.fail {
				t.Errorf("row %d: code %q, want %q", r.id, got[id].Code, r.fail)
			}
		}
		if len(got) != want || res.Rejected != int64(want) {
			t.Errorf("report has %d lines, result %d rejected, want %d", len(got), res.Rejected, want)
		}
		assertNoSecrets(t, rep, rows)
		if after := snapshot(t, db, "legacy_users", "id"); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Error("legacy_users changed")
		}
	})
}

func TestRunSkipResetMigratesOrReportsEveryRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		rows := dirtyFixture(t)
		db := setup(t, tg, "legacy_users", "id", "email", rows)
		before := snapshot(t, db, "legacy_users", "id")
		o := Options{OnConflict: ConflictSkip, UnsupportedHash: HashReset, Now: runStart, RunID: "run-1"}
		res, rep := mustRun(t, db, o, false)

		got := parseReport(t, rep)
		type authRow struct {
			LegacyID   string     `db:"legacy_id"`
			Temp       bool       `db:"temp_password"`
			Scheme     string     `db:"hash_scheme"`
			RunID      string     `db:"run_id"`
			MigratedAt time.Time  `db:"migrated_at"`
			Email      string     `db:"email"`
			Username   string     `db:"username"`
			Hash       string     `db:"password_hash"`
			Status     string     `db:"status"`
			Roles      string     `db:"roles"`
			Locked     bool       `db:"is_locked"`
			Failed     int        `db:"failed_login_attempts"`
			CreatedAt  time.Time  `db:"created_at"`
			UpdatedAt  time.Time  `db:"updated_at"`
			VerifiedAt *time.Time `db:"verified_at"`
		}
		var migrated []authRow
		if err := db.Select(&migrated, `SELECT m.legacy_id, m.temp_password, m.hash_scheme, m.run_id, m.migrated_at, a.email, a.username,
			a.password_hash, a.status, CAST(a.roles AS TEXT) AS roles, a.is_locked, a.failed_login_attempts,
			a.created_at, a.updated_at, a.verified_at
			FROM dhmig_user_map m JOIN auth_users a ON a.id = m.user_id`); err != nil {
			t.Fatal(err)
		}
		byID := map[string]authRow{}
		for _, m := range migrated {
			byID[m.LegacyID] = m
		}
		var wantMigrated, wantRejected, wantTemp int64
		for _, r := range rows {
			id := itoa(r.id)
			a, isMigrated := byID[id]
			l, isRejected := got[id]
			if isMigrated == isRejected {
				t.Errorf("row %d: migrated=%v rejected=%v, want exactly one", r.id, isMigrated, isRejected)
				continue
			}
			if r.skip != "" {
				wantRejected++
				if l.Code != r.skip {
					t.Errorf("row %d: code %q, want %q", r.id, l.Code, r.skip)
				}
				continue
			}
			wantMigrated++
			// Field by field, the mapping of DESIGN.md.
			if want := strings.ToLower(strings.TrimSpace(*r.email)); a.Email != want {
				t.Errorf("row %d email %q, want %q", r.id, a.Email, want)
			}
			if want := strings.TrimSpace(*r.username); a.Username != want {
				t.Errorf("row %d username %q, want %q", r.id, a.Username, want)
			}
			active := r.active != nil && *r.active
			wantStatus := map[bool]string{true: "active", false: "pending_verification"}[active]
			if a.Status != wantStatus {
				t.Errorf("row %d status %q, want %q", r.id, a.Status, wantStatus)
			}
			if a.Roles != `{user}` && a.Roles != `["user"]` {
				t.Errorf("row %d roles %q", r.id, a.Roles)
			}
			wantCreated := runStart
			if r.created != nil {
				wantCreated = *r.created
			}
			if !a.CreatedAt.Equal(wantCreated) {
				t.Errorf("row %d created_at %s, want %s", r.id, a.CreatedAt, wantCreated)
			}
			if !a.UpdatedAt.Equal(runStart) || !a.MigratedAt.Equal(runStart) {
				t.Errorf("row %d updated_at %s, migrated_at %s, want the run's start", r.id, a.UpdatedAt, a.MigratedAt)
			}
			switch {
			case active && (a.VerifiedAt == nil || !a.VerifiedAt.Equal(wantCreated)):
				t.Errorf("row %d verified_at %v, want %s", r.id, a.VerifiedAt, wantCreated)
			case !active && a.VerifiedAt != nil:
				t.Errorf("row %d verified_at %v, want NULL", r.id, a.VerifiedAt)
			}
			if a.Locked || a.Failed != 0 || a.RunID != "run-1" {
				t.Errorf("row %d locked=%v failed=%d run=%q", r.id, a.Locked, a.Failed, a.RunID)
			}
			if r.temp {
				wantTemp++
				if !a.Temp || a.Scheme != "bcrypt_temp" || password.Cost(a.Hash) != 4 {
					t.Errorf("row %d: temp=%v scheme=%q cost=%d, want a temporary bcrypt hash at cost 4", r.id, a.Temp, a.Scheme, password.Cost(a.Hash))
				}
				for _, pw := range []string{"", "password", "alice-password", "user", "changeme"} {
					if err := bcrypt.CompareHashAndPassword([]byte(a.Hash), []byte(pw)); !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
						t.Errorf("row %d temp hash vs %q: %v", r.id, pw, err)
					}
				}
				if r.hash != nil && a.Hash == *r.hash {
					t.Errorf("row %d kept its unsupported hash", r.id)
				}
			} else if a.Temp || a.Scheme != "bcrypt" || a.Hash != *r.hash {
				t.Errorf("row %d: hash not copied byte for byte (temp=%v scheme=%q)", r.id, a.Temp, a.Scheme)
			}
		}
		if res.Migrated != wantMigrated || res.Rejected != wantRejected || res.TempPasswords != wantTemp ||
			res.RowsRead != int64(len(rows)) || res.AlreadyMigrated != 0 {
			t.Errorf("result %+v; want migrated %d rejected %d temp %d read %d", res, wantMigrated, wantRejected, wantTemp, len(rows))
		}
		if res.RowsRead != res.AlreadyMigrated+res.Migrated+res.Rejected {
			t.Errorf("rows_read %d != already %d + migrated %d + rejected %d", res.RowsRead, res.AlreadyMigrated, res.Migrated, res.Rejected)
		}
		if !res.BulkLoad {
			t.Error("auth_users was empty: indexes should be built after the load")
		}
		var dbRejects int64
		if err := db.Get(&dbRejects, `SELECT COUNT(*) FROM dhmig_rejects WHERE run_id = 'run-1'`); err != nil || dbRejects != wantRejected {
			t.Errorf("dhmig_rejects = %d (%v), want %d", dbRejects, err, wantRejected)
		}
		assertNoSecrets(t, rep, rows)
		if after := snapshot(t, db, "legacy_users", "id"); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Error("legacy_users changed")
		}
		// The schema's indexes and constraints are back under their names.
		ix, _ := db.Dialect.Indexes(t.Context(), db, "auth_users")
		names := map[string]bool{}
		for _, i := range ix {
			names[i.Name] = true
		}
		for _, n := range []string{"idx_auth_users_email", "idx_auth_users_username", "idx_auth_users_status"} {
			if !names[n] {
				t.Errorf("index %s missing after the load; have %v", n, names)
			}
		}
		if _, err := db.Exec(db.Rebind(`INSERT INTO auth_users (id, email, username, password_hash) VALUES (?, ?, ?, ?)`),
			"00000000-0000-4000-8000-000000000001", "alice@example.com", "zz", "x"); err == nil {
			t.Error("unique email constraint missing after the load")
		}
	})
}

func TestRunKeepCopiesUnsupportedHashes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		rows := dirtyFixture(t)
		db := setup(t, tg, "legacy_users", "id", "email", rows)
		res, _ := mustRun(t, db, Options{OnConflict: ConflictSkip, UnsupportedHash: HashKeep, TempPasswords: password.TempSealed}, false)
		var kept []struct {
			ID     string `db:"legacy_id"`
			Scheme string `db:"hash_scheme"`
			Hash   string `db:"password_hash"`
			Temp   bool   `db:"temp_password"`
		}
		if err := db.Select(&kept, `SELECT m.legacy_id, m.hash_scheme, a.password_hash, m.temp_password
			FROM dhmig_user_map m JOIN auth_users a ON a.id = m.user_id WHERE m.hash_scheme NOT IN ('bcrypt', 'bcrypt_sealed')`); err != nil {
			t.Fatal(err)
		}
		hashes := map[string]string{}
		for _, r := range rows {
			if r.hash != nil {
				hashes[itoa(r.id)] = *r.hash
			}
		}
		if len(kept) != 11 || res.KeptUnsupported != 11 {
			t.Fatalf("kept %d unsupported hashes (result %d), want 11", len(kept), res.KeptUnsupported)
		}
		for _, k := range kept {
			if k.Hash != hashes[k.ID] || k.Temp || k.Scheme == string(password.SchemeUnknown) {
				t.Errorf("row %s: scheme %q temp %v, hash copied=%v", k.ID, k.Scheme, k.Temp, k.Hash == hashes[k.ID])
			}
		}
		if res.TempPasswords != 2 {
			t.Errorf("temp passwords = %d, want 2 (NULL and empty hash)", res.TempPasswords)
		}
	})
}

func TestRunDryRunThenExecuteThenIncremental(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		rows := dirtyFixture(t)
		db := setup(t, tg, "legacy_users", "id", "email", rows)
		o := Options{OnConflict: ConflictSkip, UnsupportedHash: HashReset, Now: runStart}

		dry := o
		dry.DryRun = true
		dres, drep := mustRun(t, db, dry, true)
		for _, table := range []string{"auth_users", "dhmig_user_map", "dhmig_rejects"} {
			if n := count(t, db, table); n != 0 {
				t.Errorf("%s has %d rows after a dry run", table, n)
			}
		}
		if !dres.HashingSimulated || dres.EstimatedHashingSeconds < 0 {
			t.Errorf("dry run: simulated=%v estimate=%v", dres.HashingSimulated, dres.EstimatedHashingSeconds)
		}

		res, rep := mustRun(t, db, o, false)
		if dres.Migrated != res.Migrated || dres.Rejected != res.Rejected || dres.TempPasswords != res.TempPasswords ||
			!equalCounts(dres.RejectedByCode, res.RejectedByCode) {
			t.Errorf("dry run %+v differs from execute %+v", dres, res)
		}
		if len(parseReport(t, drep)) != len(parseReport(t, rep)) {
			t.Error("dry run and execute reports differ in length")
		}

		again, _ := mustRun(t, db, o, false)
		if again.Migrated != 0 || again.AlreadyMigrated != res.Migrated || again.Rejected != res.Rejected {
			t.Errorf("second run: %+v; want nothing migrated, %d already", again, res.Migrated)
		}
		if again.BulkLoad {
			t.Error("second run must not rebuild indexes")
		}
		if n := count(t, db, "auth_users"); n != res.Migrated {
			t.Errorf("auth_users = %d after two runs, want %d", n, res.Migrated)
		}

		late := []fixtureRow{
			{id: 500, email: sp("late@example.com"), username: sp("late"), hash: nil, created: at(50), active: bp(true)},
			{id: 501, email: sp("LATE2@example.com"), username: sp("late2"), hash: rows[0].hash, created: at(51), active: bp(false)},
			{id: 502, email: sp("ALICE@example.com"), username: sp("alice502"), hash: rows[0].hash, created: at(52), active: bp(true)},
		}
		insertLegacy(t, db, "legacy_users", "id", "email", late)
		inc, irep := mustRun(t, db, o, false)
		if inc.Migrated != 2 || inc.AlreadyMigrated != res.Migrated {
			t.Errorf("incremental run: %+v; want 2 migrated", inc)
		}
		if l := parseReport(t, irep)["502"]; l.Code != CodeConflictEmail || l.ConflictsWith != "auth_users" {
			t.Errorf("row 502 (an existing user's email): %+v", l)
		}
		var ids []string
		if err := db.Select(&ids, `SELECT legacy_id FROM dhmig_user_map WHERE legacy_id IN ('500', '501', '502') ORDER BY legacy_id`); err != nil {
			t.Fatal(err)
		}
		if strings.Join(ids, ",") != "500,501" {
			t.Errorf("incremental run mapped %v, want 500,501", ids)
		}
		var rejects int64
		_ = db.Get(&rejects, `SELECT COUNT(*) FROM dhmig_rejects`)
		if rejects != res.Rejected+1 {
			t.Errorf("dhmig_rejects = %d, want %d (replaced by the latest run)", rejects, res.Rejected+1)
		}
	})
}

func TestRunRenamedSourceAndColumns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		rows := dirtyFixture(t)[:5]
		db := setup(t, tg, "old_accounts", "user_id", "mail", rows)
		cols, err := ParseColumnMap([]string{"email=mail", "id = user_id"})
		if err != nil {
			t.Fatal(err)
		}
		res, _ := mustRun(t, db, Options{SourceTable: "old_accounts", Columns: cols, OnConflict: ConflictSkip}, false)
		if res.Migrated != 2 || res.Rejected != 3 || res.SourceTable != "old_accounts" {
			t.Errorf("result %+v; want 2 migrated, 3 rejected", res)
		}
		_, _, err = run(t, db, Options{SourceTable: "old_accounts"}, true)
		if err == nil || !strings.Contains(err.Error(), "--map-column") {
			t.Errorf("missing column error = %v, want a hint at --map-column", err)
		}
		_, _, err = run(t, db, Options{SourceTable: "no_such_table"}, true)
		if err == nil || !strings.Contains(err.Error(), "--source-table") {
			t.Errorf("missing table error = %v", err)
		}
		_, _, err = run(t, db, Options{SourceTable: `legacy"; DROP TABLE auth_users; --`}, true)
		if err == nil || !strings.Contains(err.Error(), "invalid SQL identifier") {
			t.Errorf("hostile table name error = %v", err)
		}
	})
}

func TestRunWithoutSchema(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		w, err := database.BeginWrite(t.Context(), db, database.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		_, err = Run(t.Context(), w, Options{BcryptCost: 4})
		if !errors.Is(err, ErrNoSchema) || !strings.Contains(err.Error(), "dhmig schema up") {
			t.Errorf("err = %v, want ErrNoSchema naming dhmig schema up", err)
		}
	})
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
