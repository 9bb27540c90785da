package main

import (
	"context"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
	"github.com/dhafnckmcp/dhmig/pkg/password"
)

func TestUsersDirtyKindsAndDeterminism(t *testing.T) {
	o := Options{Rows: 3 * len(DirtyKinds) * 4, DirtyShare: 0.5, NullHashShare: 0.05, Seed: 7}
	a, b := generateUsers(o), generateUsers(o)
	schemes := map[password.Scheme]bool{}
	var nullEmail, nullUser, nullCreated, nullActive int
	for i := range a {
		if fmtUser(a[i]) != fmtUser(b[i]) {
			t.Fatalf("row %d differs between two runs with the same seed", i+1)
		}
		u := a[i]
		if u.Email == nil {
			nullEmail++
		}
		if u.Username == nil {
			nullUser++
		}
		if u.CreatedAt == nil {
			nullCreated++
		}
		if u.IsActive == nil {
			nullActive++
		}
		if u.PasswordHash != nil {
			schemes[password.Detect(*u.PasswordHash)] = true
		}
	}
	if nullEmail == 0 || nullUser == 0 || nullCreated == 0 || nullActive == 0 {
		t.Errorf("NULL kinds missing: email %d username %d created %d active %d", nullEmail, nullUser, nullCreated, nullActive)
	}
	for _, s := range []password.Scheme{password.SchemeBcrypt, password.SchemeEmpty, password.SchemeBcryptVariant,
		password.SchemeBcryptMalformed, password.SchemeDjangoPBKDF2, password.SchemeDjangoArgon2, password.SchemeDjangoBcrypt,
		password.SchemeWerkzeugPBKDF2, password.SchemeWerkzeugScrypt, password.SchemeArgon2,
		password.SchemeHexMD5, password.SchemeHexSHA1, password.SchemeHexSHA256} {
		if !schemes[s] {
			t.Errorf("no row with hash scheme %s", s)
		}
	}
	clean := generateUsers(Options{Rows: 200, Seed: 7})
	for _, u := range clean {
		if u.Email == nil || u.Username == nil || u.CreatedAt == nil || u.IsActive == nil {
			t.Fatalf("dirty row %d without --dirty-share", u.ID)
		}
	}
}

func fmtUser(u LegacyUser) string {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	// Hashes are left out: bcrypt salts come from crypto/rand, so the
	// pool differs between runs while its scheme and position do not.
	scheme := "<nil>"
	if u.PasswordHash != nil {
		scheme = string(password.Detect(*u.PasswordHash))
	}
	return s(u.Email) + "|" + s(u.Username) + "|" + scheme
}

func TestGenerateBothEngines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		db := dbtest.Open(t, tg)
		o := Options{Rows: 12345, DirtyShare: 0.02, NullHashShare: 0.05, Seed: 1, Table: "legacy_users"}
		n, err := Generate(context.Background(), db, o)
		if err != nil || n != o.Rows {
			t.Fatalf("Generate = %d, %v", n, err)
		}
		var count, sqlText int
		if err := db.Get(&count, `SELECT COUNT(*) FROM legacy_users`); err != nil || count != o.Rows {
			t.Fatalf("rows = %d, %v", count, err)
		}
		if err := db.Get(&sqlText, `SELECT COUNT(*) FROM legacy_users WHERE username LIKE '%DROP TABLE%'`); err != nil || sqlText == 0 {
			t.Errorf("rows with SQL-looking text = %d, %v", sqlText, err)
		}
		var wrapped int
		if err := db.Get(&wrapped, db.Rebind(`SELECT COUNT(*) FROM legacy_users WHERE email LIKE ?`), "\t%"); err != nil || wrapped == 0 {
			t.Errorf("rows with a tab-wrapped email = %d, %v", wrapped, err)
		}
		if tg.Kind == database.SQLite {
			// The loose kinds stay loose where the engine can hold them.
			var intCreated, textActive int
			if err := db.Get(&intCreated, `SELECT COUNT(*) FROM legacy_users WHERE typeof(created_at) = 'integer'`); err != nil || intCreated == 0 {
				t.Errorf("rows with an integer created_at = %d, %v", intCreated, err)
			}
			if err := db.Get(&textActive, `SELECT COUNT(*) FROM legacy_users WHERE typeof(is_active) = 'text'`); err != nil || textActive == 0 {
				t.Errorf("rows with a word for is_active = %d, %v", textActive, err)
			}
		}
		o.Replace = true
		if _, err := Generate(context.Background(), db, o); err != nil {
			t.Fatalf("--replace: %v", err)
		}
	})
}
