package main

import (
	"strings"
	"testing"
)

// TestBadFlagsRefusedBeforeConnecting runs every command with one bad flag
// against a database no one listens on: a flag checked before connecting
// exits 2 naming the flag; one checked later exits 1 with a connection
// error (a bad --source-table once failed only from inside the copy).
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
			r := runDhmig(t, dir, env, tt.args...)
			mustCode(t, r, 2)
			if !strings.Contains(r.Stderr, tt.flag) {
				t.Errorf("the error does not name %s:\n%s", tt.flag, r)
			}
		})
	}
}
