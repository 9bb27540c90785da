package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// copyDefaults are the copy's options when no flag is given.
func copyDefaults() usermigrate.Options {
	return usermigrate.Options{OnConflict: usermigrate.ConflictFail, UnsupportedHash: usermigrate.HashFail,
		EmailCase: usermigrate.EmailLower, TempPasswords: password.TempBcrypt, BcryptCost: usermigrate.DefaultBcryptCost,
		SourceTable: "legacy_users", Columns: usermigrate.DefaultColumns()}
}

var copyFlagArgs = []string{"--on-conflict", "skip", "--unsupported-hash", "reset", "--email-case", "preserve",
	"--temp-passwords", "sealed", "--bcrypt-cost", "10", "--rejects", "r.ndjson", "--source-table", "old_users",
	"--map-column", "email=mail", "--map-column", "id=uid"}

// copyFlagsSet are the raw flags and the options copyFlagArgs build.
func copyFlagsSet() (userCopyFlags, usermigrate.Options) {
	cols := usermigrate.DefaultColumns()
	cols.Email, cols.ID = "mail", "uid"
	return userCopyFlags{onConflict: "skip", unsupportedHash: "reset", emailCase: "preserve", tempPasswords: "sealed",
			bcryptCost: 10, rejects: "r.ndjson", sourceTable: "old_users", mapColumns: []string{"email=mail", "id=uid"}},
		usermigrate.Options{OnConflict: usermigrate.ConflictSkip, UnsupportedHash: usermigrate.HashReset,
			EmailCase: usermigrate.EmailPreserve, TempPasswords: password.TempSealed, BcryptCost: 10,
			SourceTable: "old_users", Columns: cols}
}

func copyFlagsDefault() userCopyFlags {
	return userCopyFlags{onConflict: "fail", unsupportedHash: "fail", emailCase: "lower", tempPasswords: "bcrypt",
		bcryptCost: usermigrate.DefaultBcryptCost, sourceTable: "legacy_users"}
}

func TestSeamMigrateOptions(t *testing.T) {
	flags, users := copyFlagsSet()
	tests := []struct {
		name string
		args []string
		want migrateOptions
	}{
		{"defaults", nil, migrateOptions{backupMaxAge: 24 * time.Hour, userCopyFlags: copyFlagsDefault(),
			users: copyDefaults(), output: output.Table}},
		{"every flag", append([]string{"--execute", "--backup-max-age", "2h", "--skip-backup-check", "-o", "json"}, copyFlagArgs...),
			migrateOptions{execute: true, backupMaxAge: 2 * time.Hour, skipBackupCheck: true, userCopyFlags: flags,
				users: users, output: output.JSON}},
		{"dry run", []string{"--dry-run"}, migrateOptions{dryRun: true, backupMaxAge: 24 * time.Hour,
			userCopyFlags: copyFlagsDefault(), users: copyDefaults(), output: output.Table}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := built(t, runSeam(t, nil, nil, "", NewMigrateCmd, nil, append([]string{"migrate"}, tt.args...)...))
			sameOptions(t, o, tt.want, func(o *migrateOptions) { o.config = nil })
		})
	}
}

func TestSeamMigrateUsersOptions(t *testing.T) {
	flags, users := copyFlagsSet()
	dry := copyDefaults()
	dry.DryRun = true
	tests := []struct {
		name string
		args []string
		want migrateUsersOptions
	}{
		{"defaults: a dry run", nil, migrateUsersOptions{userCopyFlags: copyFlagsDefault(), users: dry, output: output.Table}},
		{"every flag", append([]string{"--execute", "-o", "json"}, copyFlagArgs...),
			migrateUsersOptions{execute: true, userCopyFlags: flags, users: users, output: output.JSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := built(t, runSeam(t, nil, nil, "", NewMigrateUsersCmd, nil, append([]string{"migrate-users"}, tt.args...)...))
			sameOptions(t, o, tt.want, func(o *migrateUsersOptions) { o.config = nil })
		})
	}
}

func TestSeamVerifyOptions(t *testing.T) {
	defaultSource := integrity.Source{Table: "legacy_users", ID: "id", Email: "email", PasswordHash: "password_hash"}
	tests := []struct {
		name string
		args []string
		want verifyOptions
	}{
		{"defaults: the target's own statuses and roles", nil, verifyOptions{sourceTable: "legacy_users",
			examples: integrity.DefaultExampleLimit, knownStatuses: integrity.DefaultKnownStatuses, knownRoles: integrity.DefaultKnownRoles,
			integrity: integrity.Options{ExampleLimit: integrity.DefaultExampleLimit, Source: defaultSource}, output: output.Table}},
		{"every flag", []string{"--check", "data.duplicate_emails,data.missing_fields", "--skip", "parity.mapped_values",
			"--source-table", "old_users", "--map-column", "email=mail", "--examples", "2", "--known-statuses", "a,b",
			"--known-roles", "r", "--list", "-o", "junit"},
			verifyOptions{checks: []string{"data.duplicate_emails", "data.missing_fields"}, skip: []string{"parity.mapped_values"},
				sourceTable: "old_users", mapColumns: []string{"email=mail"}, examples: 2, knownStatuses: []string{"a", "b"},
				knownRoles: []string{"r"}, list: true, output: output.JUnit,
				integrity: integrity.Options{Only: []string{"data.duplicate_emails", "data.missing_fields"},
					Skip: []string{"parity.mapped_values"}, ExampleLimit: 2, KnownStatuses: []string{"a", "b"}, KnownRoles: []string{"r"},
					Source: integrity.Source{Table: "old_users", ID: "id", Email: "mail", PasswordHash: "password_hash", Required: true}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := built(t, runSeam(t, nil, nil, "", NewVerifyCmd, nil, append([]string{"verify"}, tt.args...)...))
			sameOptions(t, o, tt.want, func(o *verifyOptions) { o.config = nil })
		})
	}
}

func TestSeamMetricsOptions(t *testing.T) {
	dir := t.TempDir()
	prom := dir + "/dhmig.prom"
	tests := []struct {
		name string
		env  []string
		args []string
		want metricsOptions
	}{
		{"defaults", nil, nil, metricsOptions{sourceTable: "legacy_users", output: output.Table}},
		{"every flag", []string{"MIGRATION_LOG=" + dir + "/m.log"}, []string{"--source-table", "old_users", "--textfile", prom, "--log", "-o", "prometheus"},
			metricsOptions{sourceTable: "old_users", textfile: prom, log: true, logPath: dir + "/m.log", output: output.Prometheus}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := built(t, runSeam(t, nil, tt.env, "", NewMetricsCmd, nil, append([]string{"metrics"}, tt.args...)...))
			sameOptions(t, o, tt.want, func(o *metricsOptions) { o.config = nil })
		})
	}
	t.Run("--log without a migration log", func(t *testing.T) {
		r := runSeam(t, nil, nil, "", NewMetricsCmd, nil, "metrics", "--log")
		if r.code != ExitUsage || r.opts != nil || !strings.Contains(r.stderr, "--log needs a migration log") {
			t.Errorf("want exit 2 before the run, got exit %d, runF called: %v\n%s", r.code, r.opts != nil, r.stderr)
		}
	})
}

func TestSeamRollbackOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want rollbackOptions
	}{
		{"defaults", nil, rollbackOptions{ref: backup.Latest, output: output.Table}},
		{"a backup", []string{"--backup", "20260101T000000Z", "--dry-run", "--config", "--no-safety-backup", "-o", "json"},
			rollbackOptions{ref: "20260101T000000Z", dryRun: true, configFiles: true, noSafety: true, output: output.JSON}},
		{"schema only", []string{"--schema-only", "--dry-run"}, rollbackOptions{ref: backup.Latest, dryRun: true, schemaOnly: true, output: output.Table}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := built(t, runSeam(t, nil, nil, "", NewRollbackCmd, nil, append([]string{"rollback"}, tt.args...)...))
			sameOptions(t, o, tt.want, func(o *rollbackOptions) { o.config = nil })
		})
	}
	t.Run("--schema-only with --backup", func(t *testing.T) {
		r := runSeam(t, nil, nil, "", NewRollbackCmd, nil, "rollback", "--schema-only", "--backup", "latest")
		if r.code != ExitUsage || r.opts != nil {
			t.Errorf("want exit 2 before the run, got exit %d, runF called: %v\n%s", r.code, r.opts != nil, r.stderr)
		}
	})
}

func TestSeamBackupOptions(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want backupOptions
	}{
		{"defaults", nil, backupOptions{format: backup.FormatCustom, output: output.Table}},
		{"every flag", []string{"--config-dir", dir, "--format", "plain", "--keep", "3", "-o", "json"},
			backupOptions{configDirs: []string{dir}, format: backup.FormatPlain, keep: 3, output: output.JSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := built(t, runSeam(t, nil, nil, "", NewBackupCmd, nil, append([]string{"backup"}, tt.args...)...))
			sameOptions(t, o, tt.want, func(o *backupOptions) { o.config = nil })
		})
	}
}

func TestSeamSchemaChangeOptions(t *testing.T) {
	up := built(t, runSeam(t, nil, nil, "schema", newSchemaUpCmd, nil, "schema", "up", "-o", "json"))
	sameOptions(t, up, schemaChangeOptions{direction: "up", output: output.JSON}, func(o *schemaChangeOptions) { o.config = nil })
	down := built(t, runSeam(t, nil, nil, "schema", newSchemaDownCmd, nil, "schema", "down"))
	sameOptions(t, down, schemaChangeOptions{direction: "down", output: output.Table}, func(o *schemaChangeOptions) { o.config = nil })
	// The confirmation is the run's: runF is reached without --yes.
	to := built(t, runSeam(t, nil, nil, "schema", newSchemaDownCmd, nil, "schema", "down", "--to", "2"))
	sameOptions(t, to, schemaChangeOptions{direction: "down", to: 2, output: output.Table}, func(o *schemaChangeOptions) { o.config = nil })
}

func TestSeamJWTIssueOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want jwtIssueOptions
	}{
		{"defaults", nil, jwtIssueOptions{UserID: "u1", Roles: []string{"user"}, set: map[string]bool{"user-id": true}, output: output.Table}},
		{"every flag", []string{"--email", "a@example.com", "--roles", "user,admin", "--type", "refresh", "--family", "fam",
			"--version", "2", "-o", "json"},
			jwtIssueOptions{UserID: "u1", Email: "a@example.com", Roles: []string{"user", "admin"}, Type: "refresh", Family: "fam",
				Version: 2, output: output.JSON, set: map[string]bool{"user-id": true, "email": true, "roles": true, "type": true,
					"family": true, "version": true, "output": true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := built(t, runSeam(t, nil, nil, "jwt", newJWTIssueCmd, nil, append([]string{"jwt", "issue", "--user-id", "u1"}, tt.args...)...))
			sameOptions(t, o, tt.want, func(o *jwtIssueOptions) { o.config = nil })
		})
	}
}
