package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBadFlagsRefusedBeforeConnecting runs every command with one bad flag
// against a database no one listens on: a flag checked before connecting
// exits 2 naming the flag; one checked later exits 1 with a connection
// error.
func TestBadFlagsRefusedBeforeConnecting(t *testing.T) {
	dir := t.TempDir()
	env := []string{"DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}
	tests := []struct {
		args []string
		flag string
	}{
		{[]string{"migrate-users", "--source-table", "a;b"}, "--source-table"},
		{[]string{"migrate-users", "--execute", "--source-table", "legacy users"}, "--source-table"},
		{[]string{"migrate", "--source-table", "a;b"}, "--source-table"},
		{[]string{"migrate-users", "--map-column", "email=mail;drop"}, "--map-column"},
		{[]string{"migrate-users", "--bcrypt-cost", "3"}, "--bcrypt-cost"},
		{[]string{"migrate-users", "--on-conflict", "merge"}, "--on-conflict"},
		{[]string{"migrate", "--backup-max-age", "-1h"}, "--backup-max-age"},
		{[]string{"verify", "--source-table", "a;b"}, "--source-table"},
		{[]string{"verify", "--map-column", "email=a b"}, "--map-column"},
		{[]string{"verify", "--examples", "0"}, "--examples"},
		{[]string{"verify", "--check", "no.such_check"}, "no.such_check"},
		{[]string{"metrics", "--source-table", "a;b"}, "--source-table"},
		{[]string{"metrics", "--textfile", dir + "/metrics.txt"}, "--textfile"},
		{[]string{"metrics", "--textfile", dir + "/no/such/dir/dhmig.prom"}, "--textfile"},
		{[]string{"history", "--limit", "-1"}, "--limit"},
		{[]string{"backup", "--format", "zip"}, "--format"},
		{[]string{"backup", "--keep", "-1"}, "--keep"},
		{[]string{"backup", "--config-dir", dir + "/no/such/dir"}, "--config-dir"},
		{[]string{"schema", "print", "--dialect", "mysql"}, "--dialect"},
		{[]string{"schema", "down", "--to", "-1", "--yes"}, "--to"},
		{[]string{"rollback", "--backup", " ", "--yes"}, "--backup"},
		{[]string{"schema", "status", "--lock-timeout", "soon"}, "lock"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := run(t, dir, env, tt.args...)
			mustCode(t, r, 2)
			if !strings.Contains(r.Stderr, tt.flag) {
				t.Errorf("the error does not name %s:\n%s", tt.flag, r)
			}
		})
	}
}

// TestUsageErrorExactOutput pins what an operator reads on a usage error:
// one line naming the problem, one pointing at the command's help, nothing
// on stdout; and in JSON mode the same error as the documented document.
func TestUsageErrorExactOutput(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, nil, "--quiet", "--verbose", "version")
	mustCode(t, r, 2)
	if want := "dhmig: --quiet and --verbose cannot be used together\nRun 'dhmig version --help' for usage.\n"; r.Stderr != want || r.Stdout != "" {
		t.Errorf("want stderr %q and no stdout, got %s", want, r)
	}

	r = run(t, dir, nil, "-o", "json", "migrate-users", "--bcrypt-cost", "3")
	mustCode(t, r, 2)
	var doc struct {
		Error struct {
			ExitCode int    `json:"exit_code"`
			Kind     string `json:"kind"`
			Message  string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r)
	}
	if doc.Error.ExitCode != 2 || doc.Error.Kind != "usage" || !strings.HasPrefix(doc.Error.Message, "--bcrypt-cost: ") {
		t.Errorf("JSON error = %+v", doc.Error)
	}
	if want := "dhmig: " + doc.Error.Message + "\nRun 'dhmig migrate-users --help' for usage.\n"; r.Stderr != want {
		t.Errorf("stderr = %q, want %q", r.Stderr, want)
	}
}

// TestUnknownTargetNamesTheKnownOnes: a misspelt --target or DHMIG_TARGET
// stops before any database is opened, naming where the value came from.
func TestUnknownTargetNamesTheKnownOnes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		env  []string
		args []string
		from string
	}{
		{nil, []string{"--target", "guid", "verify"}, "flag --target"},
		{[]string{"DHMIG_TARGET=auth_users"}, []string{"metrics"}, "env DHMIG_TARGET"},
	} {
		r := run(t, dir, append(tc.env, "DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable"), tc.args...)
		mustCode(t, r, 2)
		if !strings.Contains(r.Stderr, "unknown target") || !strings.Contains(r.Stderr, "known: guide, dhafnck") ||
			!strings.Contains(r.Stderr, tc.from) || strings.Contains(r.Stderr, "connect") {
			t.Errorf("%v: %s", tc.args, r)
		}
	}
}
