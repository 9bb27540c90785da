package usermigrate

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	want := time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, tc := range []struct {
		in       any
		want     time.Time
		null, ok bool
	}{
		{nil, time.Time{}, true, true},
		{"", time.Time{}, true, true},
		{want, want, false, true},
		{want.In(time.FixedZone("x", 7200)), want, false, true},
		{time.Time{}, time.Time{}, false, true}, // parsed; mapRow finds it implausible
		{"2023-03-04 05:06:07", want, false, true},
		{"2023-03-04T05:06:07Z", want, false, true},
		{"2023-03-04 07:06:07+02:00", want, false, true},
		{"2023-03-04 05:06:07.000", want, false, true},
		{[]byte("2023-03-04 05:06:07"), want, false, true},
		{int64(want.Unix()), want, false, true},
		{float64(want.Unix()) + 0.25, want.Add(250 * time.Millisecond), false, true},
		{int64(want.UnixMilli()), want, false, true}, // 13 digits: milliseconds
		{strconv.FormatInt(want.UnixMilli(), 10), want, false, true},
		{strconv.FormatInt(want.Unix(), 10), want, false, true},
		{int64(1e17), time.Time{}, false, false}, // past the year 9999 even as milliseconds
		{1e300, time.Time{}, false, false},
		{"1e5", time.Time{}, false, false},
		{"NaN", time.Time{}, false, false},
		{"yesterday", time.Time{}, false, false},
	} {
		got, null, ok := parseTime(tc.in)
		if ok != tc.ok || null != tc.null || (ok && !null && !got.Equal(tc.want)) {
			t.Errorf("parseTime(%#v) = %s, null %v, ok %v", tc.in, got, null, ok)
		}
	}
}

func TestParseBool(t *testing.T) {
	for _, tc := range []struct {
		in    any
		b, ok bool
	}{
		{nil, false, true}, {true, true, true}, {false, false, true}, {int64(1), true, true}, {int64(0), false, true},
		{"t", true, true}, {"TRUE", true, true}, {"0", false, true}, {[]byte("yes"), true, true}, {"maybe", false, false},
		{" No ", false, true}, {"f", false, true}, {"", false, true}, {1.0, true, true}, {0.0, false, true},
		{int64(2), false, false}, {int64(-1), false, false}, {0.5, false, false}, {[]byte{0xff}, false, false},
	} {
		if b, ok := parseBool(tc.in); b != tc.b || ok != tc.ok {
			t.Errorf("parseBool(%#v) = %v, %v", tc.in, b, ok)
		}
	}
}

func TestParseColumnMap(t *testing.T) {
	c, err := ParseColumnMap([]string{"email=mail", "created_at=signup_date"})
	if err != nil || c.Email != "mail" || c.CreatedAt != "signup_date" || c.ID != "id" {
		t.Errorf("ParseColumnMap = %+v, %v", c, err)
	}
	for _, bad := range []string{"email", "=mail", "phone=tel", "email=ma il", `email=x"y`} {
		if _, err := ParseColumnMap([]string{bad}); err == nil {
			t.Errorf("ParseColumnMap(%q) accepted", bad)
		}
	}
}

func TestOptionsNormalize(t *testing.T) {
	o := Options{}
	if err := o.normalize(); err != nil {
		t.Fatal(err)
	}
	if o.SourceTable != "legacy_users" || o.OnConflict != ConflictFail || o.UnsupportedHash != HashFail ||
		o.EmailCase != EmailLower || o.TempPasswords != "bcrypt" || o.BcryptCost != 12 || o.Now.Location() != time.UTC {
		t.Errorf("defaults = %+v", o)
	}
	for _, bad := range []Options{
		{OnConflict: "merge"}, {UnsupportedHash: "drop"}, {EmailCase: "upper"}, {TempPasswords: "plain"},
		{BcryptCost: 3}, {BcryptCost: 32}, {SourceTable: "a-b"},
	} {
		if err := bad.normalize(); err == nil {
			t.Errorf("normalize accepted %+v", bad)
		}
	}
}

func TestResolver(t *testing.T) {
	// Rows 0 and 1 share an email (1 is older), 2 and 3 a username (equal
	// times: the lower position wins), 4 an existing user's email, 5 is
	// already rejected and so does not count in its group. The members come
	// in (key, created_at, position) order, as the conflict query sends them.
	emails := []struct {
		ord   uint32
		key   string
		taken bool
	}{{1, "a", false}, {0, "a", false}, {4, "d", true}}
	usernames := []struct {
		ord   uint32
		key   string
		taken bool
	}{{2, "u", false}, {3, "u", false}, {5, "v", false}, {0, "v", false}}
	for _, tc := range []struct {
		policy ConflictPolicy
		want   []string
	}{
		{ConflictSkip, []string{CodeConflictEmail, "", "", CodeConflictUsername, CodeConflictEmail, CodeMissingEmail}},
		{ConflictFail, []string{CodeConflictEmail, CodeConflictEmail, CodeConflictUsername, CodeConflictUsername, CodeConflictEmail, CodeMissingEmail}},
	} {
		st := make([]status, 6)
		st[5] = reject(CodeMissingEmail, noSide)
		v := resolver{st: st, policy: tc.policy, code: CodeConflictEmail}
		for _, e := range emails {
			v.add(e.ord, e.key, e.taken)
		}
		v = resolver{st: st, policy: tc.policy, code: CodeConflictUsername}
		for _, u := range usernames {
			v.add(u.ord, u.key, u.taken)
		}
		for i, s := range st {
			got := ""
			if s.rejected() {
				got = s.code()
			}
			if got != tc.want[i] {
				t.Errorf("%s: row %d = %q, want %q", tc.policy, i, got, tc.want[i])
			}
		}
		if st[4].against() != againstAuth || st[1].rejected() && st[1].against() != againstLegacy {
			t.Errorf("row 4 conflicts with side %d, row 1 with side %d", st[4].against(), st[1].against())
		}
		for _, users := range []string{"auth_users", "users"} {
			if got := st[4].against().conflictsWith(users); got != users {
				t.Errorf("a conflict with an existing user names %q, want the target's table %q", got, users)
			}
		}
		if st[1].rejected() && st[1].against().conflictsWith("users") != "legacy_users" {
			t.Errorf("a conflict between source rows names %q", st[1].against().conflictsWith("users"))
		}
	}
}

// login-check reads only id and email: other fields are refused, naming
// the ones it takes.
func TestParseColumnMapOnly(t *testing.T) {
	c, err := ParseColumnMap([]string{"email=mail"}, "id", "email")
	if err != nil || c.Email != "mail" || c.ID != "id" {
		t.Fatalf("ParseColumnMap = %+v, %v", c, err)
	}
	_, err = ParseColumnMap([]string{"password_hash=pw"}, "id", "email")
	if err == nil || !strings.Contains(err.Error(), "use id, email)") {
		t.Errorf("a field outside only: %v, want an error naming id, email", err)
	}
}
