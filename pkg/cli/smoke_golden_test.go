package cli

import (
	"bytes"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
)

// goldenSmoke has a step in every state and a server message that tries to
// drive the terminal and break the line.
func goldenSmoke() smoke.Report {
	return smoke.Report{Server: "http://127.0.0.1:8000", Email: "ada@example.com", UserID: "11111111-1111-4111-8111-111111111111",
		DurationMS: 42.5, Steps: []smoke.Step{
			{ID: smoke.StepLogin, Status: smoke.StatusPass, Detail: "HTTP 200: access and refresh tokens received", DurationMS: 20.25},
			{ID: smoke.StepToken, Status: smoke.StatusFail, Detail: "forged: the signature does not verify with the configured HS256 key: the token was altered or signed with another key", DurationMS: 0.5},
			{ID: smoke.StepClaims, Status: smoke.StatusSkip, Detail: "skipped: the access token did not verify"},
			{ID: smoke.StepProtected, Status: smoke.StatusPass, Detail: "HTTP 200: the server accepted the access token", DurationMS: 3},
			{ID: smoke.StepTampered, Status: smoke.StatusFail, Detail: "HTTP 500, want 401 (server says: boom\x1b[2J\nsmoke passed <&>)", DurationMS: 2},
		}}
}

func goldenLoad() smoke.LoadReport {
	rate := 0.01
	p95 := 250.0
	return smoke.LoadReport{Server: "http://127.0.0.1:8000", Accounts: 2, Concurrency: 8, Refresh: true, StoppedBy: smoke.StoppedRequests,
		DurationSeconds: 2.5, Requests: 1000, Successes: 990, Errors: 10, Answered: 996, ErrorRate: 0.01, ThroughputPerSecond: 400,
		LatencyMS:    smoke.Latency{P50: 10.5, P95: 260.25, P99: 300, Max: 1200},
		ErrorsByKind: map[string]int64{"http_401": 6, "timeout": 4},
		Operations: map[string]smoke.OpStats{
			smoke.OpLogin:   {Requests: 500, Successes: 494, Errors: 6, LatencyMS: smoke.Latency{P50: 12, P95: 270, P99: 310, Max: 1200}},
			smoke.OpRefresh: {Requests: 500, Successes: 496, Errors: 4, LatencyMS: smoke.Latency{P50: 8, P95: 30, P99: 40, Max: 90}},
		},
		Gate: &smoke.GateResult{MaxP95MS: &p95, MaxErrorRate: &rate,
			Breaches:  []string{"p95 latency 260.2 ms is above --max-p95 250.0 ms"},
			P95Breach: "p95 latency 260.2 ms is above --max-p95 250.0 ms"}}
}

func goldenVerdict() smoke.Verdict {
	return smoke.Verdict{Email: " Ada@Example.com", CanonicalEmail: "ada@example.com", CanLogIn: false,
		Reasons: []string{smoke.ReasonLocked, smoke.ReasonTempPassword}, PasswordChecked: false,
		User: &smoke.UserInfo{ID: "11111111-1111-4111-8111-111111111111", Email: "ada@example.com", Username: "ada\tlovelace",
			Status: "active", Roles: []string{"user"}, Locked: true, Verified: true, Migrated: true, TempPassword: true, LegacyID: "7",
			HashScheme: "bcrypt", HashCost: 12},
		Legacy: []smoke.LegacyRow{{LegacyID: "7", State: smoke.LegacyMigrated, UserID: "11111111-1111-4111-8111-111111111111"},
			{LegacyID: "9", State: smoke.LegacyRejected, Code: "CONFLICT_EMAIL", Field: "email"}},
		Findings: []smoke.Finding{
			{ID: "account", Status: smoke.StatusPass, Detail: "auth_users id 11111111-1111-4111-8111-111111111111, username ada\tlovelace"},
			{ID: "locked", Status: smoke.StatusFail, Code: smoke.ReasonLocked, Detail: "the account is locked (is_locked): an administrator must unlock it"},
			{ID: "temp_password", Status: smoke.StatusFail, Code: smoke.ReasonTempPassword, Detail: "legacy row 7 had no usable hash"},
			{ID: "password", Status: smoke.StatusSkip, Detail: "not checked (no --password-file)"},
		}}
}

func TestSmokeGolden(t *testing.T) {
	for _, c := range []struct {
		format output.Format
		file   string
	}{{output.Table, "smoke.table.golden"}, {output.JSON, "smoke.json.golden"}, {output.JUnit, "smoke.junit.golden"}} {
		var buf bytes.Buffer
		if err := writeSmoke(&buf, c.format, goldenSmoke()); err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, streamed(t, buf.Bytes()))
	}
	for _, c := range []struct {
		format output.Format
		file   string
	}{{output.Table, "smoke-load.table.golden"}, {output.JSON, "smoke-load.json.golden"}, {output.JUnit, "smoke-load.junit.golden"}} {
		var buf bytes.Buffer
		if err := writeSmokeLoad(&buf, c.format, goldenLoad()); err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, streamed(t, buf.Bytes()))
	}
	for _, c := range []struct {
		format output.Format
		file   string
	}{{output.Table, "login-check.table.golden"}, {output.JSON, "login-check.json.golden"}} {
		var buf bytes.Buffer
		var err error
		if c.format == output.JSON {
			err = output.WriteJSON(&buf, goldenVerdict())
		} else {
			err = writeLoginCheck(&buf, goldenVerdict())
		}
		if err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, streamed(t, buf.Bytes()))
	}
}

// streamed is what the operator sees: the bytes through the escaping
// stream the commands write to.
func streamed(t *testing.T, b []byte) []byte {
	t.Helper()
	s, _, out, _ := output.Test()
	if _, err := s.Out.Write(b); err != nil {
		t.Fatal(err)
	}
	s.Flush()
	return out.Bytes()
}
