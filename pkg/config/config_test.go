package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// flags mimics the root command's persistent flags.
func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("dhmig", pflag.ContinueOnError)
	for _, s := range Settings {
		if s.Flag != "" {
			fs.String(s.Flag, "", "")
		}
	}
	fs.String("config", "", "")
	fs.String("env-file", "", "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPrecedence walks the layers from the weakest up: each layer overrides
// every layer below it, and the source names the winner.
func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "dhmig.yaml", "database_url: sqlite:///yaml.db\nbackup_dir: /yaml/backups\n")
	write(t, dir, ".env", "DATABASE_URL=sqlite:///dotenv.db\nBACKUP_LOCATION=/dotenv/backups\nMIGRATION_ENV=staging\n")

	cases := []struct {
		name    string
		args    []string
		environ []string
		wantURL string
		srcURL  string
	}{
		{".env beats dhmig.yaml", nil, nil, "sqlite:///dotenv.db", "dotenv " + filepath.Join(dir, ".env")},
		{"guide env name beats .env", nil, []string{"DATABASE_URL=sqlite:///guide.db"}, "sqlite:///guide.db", "env DATABASE_URL"},
		{"DHMIG_ env beats guide name", nil, []string{"DATABASE_URL=sqlite:///guide.db", "DHMIG_DATABASE_URL=sqlite:///dhmig.db"}, "sqlite:///dhmig.db", "env DHMIG_DATABASE_URL"},
		{"flag beats everything", []string{"--database-url", "sqlite:///flag.db"}, []string{"DHMIG_DATABASE_URL=sqlite:///dhmig.db"}, "sqlite:///flag.db", "flag --database-url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(LoadOptions{Flags: flags(t, tc.args...), Environ: tc.environ, Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.DatabaseURL(); got != tc.wantURL {
				t.Errorf("database_url = %q, want %q", got, tc.wantURL)
			}
			if got := c.Source("database_url").String(); got != tc.srcURL {
				t.Errorf("source = %q, want %q", got, tc.srcURL)
			}
		})
	}

	t.Run("yaml beats default, default last", func(t *testing.T) {
		d := t.TempDir()
		write(t, d, "dhmig.yaml", "backup_dir: /yaml/backups\n")
		c, err := Load(LoadOptions{Flags: flags(t), Dir: d})
		if err != nil {
			t.Fatal(err)
		}
		if c.BackupDir() != "/yaml/backups" || c.Source("backup_dir").Layer != "config" {
			t.Errorf("backup_dir = %q from %s", c.BackupDir(), c.Source("backup_dir"))
		}
		if c.DatabaseURL() != "sqlite:///./dhafnck_mcp.db" || c.Source("database_url").Layer != "default" {
			t.Errorf("database_url = %q from %s", c.DatabaseURL(), c.Source("database_url"))
		}
		if c.LockTimeout() != 15*time.Second || c.ConnectTimeout() != 10*time.Second {
			t.Errorf("timeouts = %s, %s", c.LockTimeout(), c.ConnectTimeout())
		}
	})
}

func TestDotEnvNeverOverridesEnvironment(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".env", "MIGRATION_ENV=production\nJWT_SECRET_KEY=from-dotenv\n")
	c, err := Load(LoadOptions{Flags: flags(t), Dir: dir, Environ: []string{"MIGRATION_ENV=staging"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Environment() != "staging" || c.IsProduction() {
		t.Errorf("environment = %q: .env overrode the real environment", c.Environment())
	}
	if c.Get("jwt_secret_key") != "from-dotenv" {
		t.Errorf("jwt_secret_key from .env = %q", c.Get("jwt_secret_key"))
	}
	if c.EnvFile != filepath.Join(dir, ".env") || c.EnvFileValues["MIGRATION_ENV"] != "production" {
		t.Errorf("env file %q values %v", c.EnvFile, c.EnvFileValues)
	}
}

func TestEffectiveRedactsSecrets(t *testing.T) {
	c, err := Load(LoadOptions{Flags: flags(t), Dir: t.TempDir(), Environ: []string{
		"DATABASE_URL=postgres://app:hunter22@db:5432/app", "JWT_SECRET_KEY=topsecretvalue", "SMTP_PASSWORD=mailpw",
	}})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, e := range c.Effective() {
		all.WriteString(e.Key + "=" + e.Value + " (" + e.Source + ")\n")
	}
	out := all.String()
	for _, secret := range []string{"hunter22", "topsecretvalue", "mailpw"} {
		if strings.Contains(out, secret) {
			t.Errorf("Effective() shows %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"database_url=postgres://app:***@db:5432/app (env DATABASE_URL)", "jwt_secret_key=*** (env JWT_SECRET_KEY)", "smtp_password=*** (env SMTP_PASSWORD)"} {
		if !strings.Contains(out, want) {
			t.Errorf("Effective() lacks %q:\n%s", want, out)
		}
	}
	secrets := c.Secrets()
	if len(secrets) != 3 {
		t.Errorf("Secrets() = %d values, want the db password, JWT secret and SMTP password", len(secrets))
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, dir, "bad.yaml", "database_url: [unclosed\n")
	unknown := write(t, dir, "unknown.yaml", "databse_url: sqlite:///x.db\n")
	tests := []struct {
		name    string
		args    []string
		environ []string
		want    string
	}{
		{"explicit config file missing", []string{"--config", filepath.Join(dir, "nope.yaml")}, nil, "does not exist"},
		{"explicit env file missing", []string{"--env-file", filepath.Join(dir, "nope.env")}, nil, "does not exist"},
		{"env file named by DHMIG_ENV_FILE missing", nil, []string{"DHMIG_ENV_FILE=" + filepath.Join(dir, "x.env")}, "does not exist"},
		{"malformed yaml", []string{"--config", bad}, nil, "bad.yaml"},
		{"unknown yaml key", []string{"--config", unknown}, nil, `unknown key "databse_url"`},
		{"bad lock timeout", []string{"--lock-timeout", "soon"}, nil, `lock_timeout "soon" (from flag --lock-timeout)`},
		{"bad URL names its source", nil, []string{"DATABASE_URL=mysql://x/y"}, "(from env DATABASE_URL)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(LoadOptions{Flags: flags(t, tt.args...), Environ: tt.environ, Dir: dir})
			if err == nil {
				t.Fatal("Load accepted bad configuration")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v is not ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func TestDurationsAcceptSeconds(t *testing.T) {
	c, err := Load(LoadOptions{Flags: flags(t, "--lock-timeout", "3"), Dir: t.TempDir(), Environ: []string{"DHMIG_CONNECT_TIMEOUT=250ms"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.LockTimeout() != 3*time.Second || c.ConnectTimeout() != 250*time.Millisecond {
		t.Errorf("timeouts = %s, %s", c.LockTimeout(), c.ConnectTimeout())
	}
}
