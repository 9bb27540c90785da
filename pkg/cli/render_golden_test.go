package cli

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/metrics"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// goldenPath is a golden file in the top-level testdata/golden.
func goldenPath(name string) string { return filepath.Join("..", "..", "testdata", "golden", name) }

var update = flag.Bool("update", false, "rewrite the golden files under the top-level testdata/golden/")

// golden compares got with testdata/golden/name (top level), or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := goldenPath(name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/cli -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if intended):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// goldenReport has one check in every state, a failure with more offenders
// than examples, and text that XML must escape.
func goldenReport() integrity.Report {
	checks := []integrity.Result{
		{ID: "schema.tables", Description: "the auth tables exist: auth_users and auth_refresh_tokens", Severity: integrity.SeverityError, Status: integrity.StatusPass, Examples: []integrity.Example{}},
		{ID: "schema.indexes", Description: "the guide's five indexes exist", Severity: integrity.SeverityError, Status: integrity.StatusFail, Count: 1,
			Examples: []integrity.Example{{ID: "idx_auth_users_status", Detail: "index missing: want auth_users(status)"}}},
		{ID: "data.duplicate_emails", Description: "no two users share an email, compared lowercased and trimmed", Severity: integrity.SeverityError, Status: integrity.StatusFail, Count: 5,
			Examples: []integrity.Example{
				{ID: "11111111-1111-4111-8111-111111111111", Email: "alice@example.com", Detail: "email shared by 2 users (case-insensitive, trimmed)"},
				{ID: "88888888-8888-4888-8888-888888888888", Email: "Alice@Example.com", Detail: "email shared by 2 users (case-insensitive, trimmed)"},
				{ID: "99999999-9999-4999-8999-999999999999", Email: "o'brien&co<x>@example.com", Detail: "email shared by 3 users (case-insensitive, trimmed)"},
				{ID: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", Email: "O'Brien&Co<x>@example.com", Detail: "email shared by 3 users (case-insensitive, trimmed)"},
			}},
		{ID: "data.active_unverified", Description: "every active user has verified_at set", Severity: integrity.SeverityWarning, Status: integrity.StatusWarn, Count: 1,
			Examples: []integrity.Example{{ID: "88888888-8888-4888-8888-888888888888", Email: "henry@example.com", Detail: "status active but verified_at is NULL"}}},
		{ID: "parity.legacy_rows", Description: "every legacy row was migrated or recorded as rejected", Severity: integrity.SeverityError, Status: integrity.StatusSkip,
			Examples: []integrity.Example{}, Reason: "no legacy table legacy_users (use --source-table if it has another name)"},
	}
	return integrity.Report{Database: "postgres://dhmig:***@db.internal:5432/dhafnck_mcp", OK: false,
		Summary:    integrity.Summary{Checks: 5, Passed: 1, Failed: 2, Warnings: 1, Skipped: 1},
		Checks:     checks,
		DurationMS: 1234}
}

func goldenSnapshot() metrics.Snapshot {
	n := func(v int64) *int64 { return &v }
	return metrics.Snapshot{
		CollectedAt: time.Date(2025, 8, 17, 12, 0, 0, 0, time.UTC),
		TotalUsers:  1000, ActiveUsers: 790, LockedAccounts: 3, UnverifiedUsers: 200,
		UsersByStatus:     map[string]int64{"active": 790, "inactive": 0, "suspended": 7, "pending_verification": 200, `we"ird\value`: 3},
		UsersByRole:       map[string]int64{"admin": 2, "user": 1000, "viewer": 0, "developer": 0},
		TempPasswordUsers: n(41), LegacyTable: "legacy_users", LegacyUsers: n(1004), MigratedUsers: n(1000), RejectedLegacyUsers: n(4),
		RefreshTokens: &metrics.Tokens{Active: 512, Revoked: 30, Expired: 77},
	}
}

func TestVerifyGolden(t *testing.T) {
	for _, c := range []struct {
		format output.Format
		file   string
	}{{output.Table, "verify.table.golden"}, {output.JSON, "verify.json.golden"}, {output.JUnit, "verify.junit.golden"}} {
		var buf bytes.Buffer
		if err := writeVerify(&buf, c.format, goldenReport()); err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, buf.Bytes())
	}
}

func TestMetricsGolden(t *testing.T) {
	for _, c := range []struct {
		format output.Format
		file   string
	}{{output.Table, "metrics.table.golden"}, {output.JSON, "metrics.json.golden"}, {output.Prometheus, "metrics.prom.golden"}} {
		var buf bytes.Buffer
		if err := writeMetrics(&buf, c.format, goldenSnapshot()); err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, buf.Bytes())
	}
}

// junitDoc is what CI readers look at.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestVerifyJUnitIsValidXML(t *testing.T) {
	b, err := os.ReadFile(goldenPath("verify.junit.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("JUnit output is not XML: %v", err)
	}
	if doc.Tests != 5 || doc.Failures != 2 || doc.Skipped != 1 || len(doc.Suites) != 1 {
		t.Fatalf("totals: tests %d failures %d skipped %d suites %d", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Tests != 5 || s.Failures != 2 || s.Skipped != 1 || len(s.Cases) != 5 {
		t.Fatalf("suite totals: %+v", s)
	}
	want := map[string]string{"schema.tables": "pass", "schema.indexes": "fail", "data.duplicate_emails": "fail",
		"data.active_unverified": "pass", "parity.legacy_rows": "skip"}
	for _, c := range s.Cases {
		got := "pass"
		if c.Failure != nil {
			got = "fail"
		}
		if c.Skipped != nil {
			got = "skip"
		}
		if want[c.Name] != got {
			t.Errorf("case %s is %s, want %s", c.Name, got, want[c.Name])
		}
		if _, err := strconv.ParseFloat(c.Time, 64); err != nil || !strings.HasPrefix(c.Classname, "dhmig.") {
			t.Errorf("case %s: time %q classname %q", c.Name, c.Time, c.Classname)
		}
		if c.Name == "data.duplicate_emails" {
			if c.Failure.Type != "error" || !strings.Contains(c.Failure.Message, "5 offending") ||
				!strings.Contains(c.Failure.Text, "<O'Brien&Co<x>@example.com>") || !strings.Contains(c.Failure.Text, "(+1 more)") {
				t.Errorf("duplicate_emails failure lost its examples: %+v", c.Failure)
			}
		}
		if c.Name == "data.active_unverified" && !strings.Contains(c.SystemOut, "warning: 1 offending") {
			t.Errorf("a warning should be reported in system-out: %q", c.SystemOut)
		}
	}
}

var (
	promHelp   = regexp.MustCompile(`^# HELP (dhmig_[a-z_]+) (.+)$`)
	promType   = regexp.MustCompile(`^# TYPE (dhmig_[a-z_]+) (gauge|counter)$`)
	promSample = regexp.MustCompile(`^(dhmig_[a-z_]+)(\{((?:[a-z_]+="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$`)
	promLabel  = regexp.MustCompile(`([a-z_]+)="((?:[^"\\]|\\.)*)"`)
)

func TestMetricsPrometheusParsesLineByLine(t *testing.T) {
	b, err := os.ReadFile(goldenPath("metrics.prom.golden"))
	if err != nil {
		t.Fatal(err)
	}
	help, typ := map[string]bool{}, map[string]bool{}
	values := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		l := sc.Text()
		switch {
		case promHelp.MatchString(l):
			m := promHelp.FindStringSubmatch(l)
			if help[m[1]] || typ[m[1]] {
				t.Errorf("line %d: HELP for %s must come once, before TYPE", line, m[1])
			}
			help[m[1]] = true
		case promType.MatchString(l):
			m := promType.FindStringSubmatch(l)
			if !help[m[1]] || typ[m[1]] {
				t.Errorf("line %d: TYPE for %s without HELP, or twice", line, m[1])
			}
			typ[m[1]] = true
		case promSample.MatchString(l):
			m := promSample.FindStringSubmatch(l)
			if !typ[m[1]] {
				t.Errorf("line %d: sample of %s before its TYPE", line, m[1])
			}
			v, err := strconv.ParseFloat(m[4], 64)
			if err != nil {
				t.Errorf("line %d: value %q: %v", line, m[4], err)
			}
			key := m[1]
			for _, lm := range promLabel.FindAllStringSubmatch(m[3], -1) {
				key += "," + lm[1] + "=" + lm[2]
			}
			values[key] = v
		default:
			t.Errorf("line %d is not Prometheus text format: %q", line, l)
		}
	}
	want := map[string]float64{
		"dhmig_users": 1000, "dhmig_users_active": 790, "dhmig_users_locked": 3, "dhmig_users_unverified": 200,
		"dhmig_users_by_status,status=suspended": 7, `dhmig_users_by_status,status=we\"ird\\value`: 3,
		"dhmig_users_by_role,role=admin": 2, "dhmig_users_temp_password": 41,
		"dhmig_legacy_users,table=legacy_users": 1004, "dhmig_migrated_users": 1000, "dhmig_rejected_legacy_users": 4,
		"dhmig_refresh_tokens,state=active": 512, "dhmig_refresh_tokens,state=revoked": 30, "dhmig_refresh_tokens,state=expired": 77,
		"dhmig_metrics_collected_timestamp_seconds": 1755432000,
	}
	for k, v := range want {
		if got, ok := values[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
}
