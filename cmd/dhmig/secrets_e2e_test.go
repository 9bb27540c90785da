package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// secretForm is one way a configuration carries its secrets. setup writes
// what it needs into dir and returns the binary's environment and every
// secret (and fragment of one) that must never come out.
type secretForm struct {
	name string
	// valid forms must let the commands work; the others must fail with exit 2.
	valid bool
	setup func(t *testing.T, dir string, pg database.Target) (env, secrets []string)
}

func randomSecret(t *testing.T, label string) string {
	t.Helper()
	b := make([]byte, 24) // 48 hex digits: strong enough for jwt issue to sign with
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "Sq" + label + hex.EncodeToString(b)
}

// pgURL renders pg with the given userinfo password and extra parameters,
// written raw (the forms below choose their own escaping).
func pgURL(pg database.Target, userinfoPW string, extra ...string) string {
	user := url.User(pg.User).String()
	if userinfoPW != "" {
		user += ":" + userinfoPW
	}
	q := []string{"sslmode=disable"}
	for k, v := range pg.Params {
		if k != "sslmode" && !database.IsSecretParam(pg.Params, k) {
			q = append(q, k+"="+url.QueryEscape(v))
		}
	}
	q = append(q, extra...)
	return fmt.Sprintf("postgres://%s@%s:%d/%s?%s", user, pg.Host, pg.Port, pg.Name, strings.Join(q, "&"))
}

// dbPassword is the password the server wants (trust auth wants none, so
// any value stands in for one).
func dbPassword(t *testing.T, pg database.Target) string {
	if pw := pg.EffectivePassword(); pw != "" {
		return pw
	}
	return randomSecret(t, "db")
}

var secretForms = []secretForm{
	{"URL userinfo in DATABASE_URL; DHMIG_JWT_SECRET_KEY and DHMIG_SMTP_PASSWORD in the environment", true,
		func(t *testing.T, dir string, pg database.Target) ([]string, []string) {
			pw, jwt, smtp := dbPassword(t, pg), randomSecret(t, "jwt"), randomSecret(t, "smtp")
			return []string{"DATABASE_URL=" + pgURL(pg, pw), "DHMIG_JWT_SECRET_KEY=" + jwt, "DHMIG_SMTP_PASSWORD=" + smtp},
				[]string{pw, jwt, smtp}
		}},
	{"?password= in DHMIG_DATABASE_URL; JWT_SECRET_KEY and SMTP_PASSWORD in the environment", true,
		func(t *testing.T, dir string, pg database.Target) ([]string, []string) {
			pw, jwt, smtp := dbPassword(t, pg), randomSecret(t, "jwt"), randomSecret(t, "smtp")
			return []string{"DHMIG_DATABASE_URL=" + pgURL(pg, "", "password="+url.QueryEscape(pw)), "JWT_SECRET_KEY=" + jwt, "SMTP_PASSWORD=" + smtp},
				[]string{pw, jwt, smtp}
		}},
	{".env: URL userinfo and ?sslpassword=, JWT_SECRET_KEY, SMTP_PASSWORD", true,
		func(t *testing.T, dir string, pg database.Target) ([]string, []string) {
			pw, ssl, jwt, smtp := dbPassword(t, pg), randomSecret(t, "ssl"), randomSecret(t, "jwt"), randomSecret(t, "smtp")
			writeFile(t, filepath.Join(dir, ".env"), "# app settings\nDATABASE_URL="+pgURL(pg, pw, "sslpassword="+ssl)+
				"\nJWT_SECRET_KEY="+jwt+"\nSMTP_PASSWORD='"+smtp+"'\n")
			return nil, []string{pw, ssl, jwt, smtp}
		}},
	{"dhmig.yaml: ?password= and ?sslpassword=, jwt_secret_key, smtp_password", true,
		func(t *testing.T, dir string, pg database.Target) ([]string, []string) {
			pw, ssl, jwt, smtp := dbPassword(t, pg), randomSecret(t, "ssl"), randomSecret(t, "jwt"), randomSecret(t, "smtp")
			writeFile(t, filepath.Join(dir, "dhmig.yaml"), "database_url: \""+pgURL(pg, "", "password="+pw, "sslpassword="+ssl)+
				"\"\njwt_secret_key: "+jwt+"\nsmtp_password: \""+smtp+"\"\n")
			return nil, []string{pw, ssl, jwt, smtp}
		}},
	{".env with a bad line and an unterminated quote before its secrets", false,
		func(t *testing.T, dir string, pg database.Target) ([]string, []string) {
			pw, jwt, smtp := dbPassword(t, pg), randomSecret(t, "jwt"), randomSecret(t, "smtp")
			writeFile(t, filepath.Join(dir, ".env"), "A=1\n-bad\nB=\"open\nJWT_SECRET_KEY="+jwt+"\nSMTP_PASSWORD="+smtp+
				"\nDATABASE_URL="+pgURL(pg, pw)+"\n")
			return nil, []string{pw, jwt, smtp}
		}},
	{"URL whose password holds a raw #, ? and /", false,
		func(t *testing.T, dir string, pg database.Target) ([]string, []string) {
			head, tail := randomSecret(t, "head"), randomSecret(t, "tail")
			return []string{"DATABASE_URL=" + pgURL(pg, head+"#"+tail+"?x/y")}, []string{head, tail}
		}},
}

// recordChildren puts wrappers for PostgreSQL's client programs first on
// PATH; each appends its argv to argvLog and runs the real program.
func recordChildren(t *testing.T, argvLog string) string {
	t.Helper()
	bin := t.TempDir()
	for _, name := range []string{"pg_dump", "pg_restore", "psql"} {
		real, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		writeFile(t, filepath.Join(bin, name), "#!/bin/sh\nprintf '%s\\n' \"$0 $*\" >> '"+argvLog+"'\nexec '"+real+"' \"$@\"\n")
		if err := os.Chmod(filepath.Join(bin, name), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return bin + string(os.PathListSeparator) + os.Getenv("PATH")
}

// TestNoSecretInAnyOutput runs every command over configurations carrying
// their secrets in every accepted form, and greps every channel dhmig
// writes to for every secret.
func TestNoSecretInAnyOutput(t *testing.T) {
	sealed := []string{"--temp-passwords", "sealed", "--on-conflict", "skip", "--unsupported-hash", "reset"}
	commands := [][]string{
		{"version"},
		{"doctor"},
		{"config", "show"},
		{"config", "check"},
		{"schema", "status"},
		{"schema", "up"},
		{"backup"},
		{"backup", "list"},
		{"backup", "verify", "latest"},
		append([]string{"migrate-users"}, sealed...),
		append([]string{"migrate", "--execute"}, sealed...),
		{"verify"},
		{"metrics", "--log", "--textfile", "metrics.prom"},
		{"history"},
		{"notify", "--sample", "1"},
		{"notify", "--status"},
		{"jwt", "issue", "--user-id", "u1", "--email", "u1@example.com"},
		{"jwt", "verify", "{token}"},
		{"rollback", "--backup", "latest", "--yes"},
		{"rollback", "--schema-only", "--yes"},
		{"schema", "down", "--yes"},
	}
	// Commands that must succeed under a valid form, so that the channels
	// they feed (dumps, manifests, children) are really exercised.
	mustWork := map[string]bool{"config show": true, "backup": true, "backup verify": true, "rollback": true, "jwt issue": true, "history": true}

	for _, form := range secretForms {
		t.Run(form.name, func(t *testing.T) {
			pg := dbtest.Postgres(t)
			gen := exec.Command(legacygenBin, "-database-url", pg.URL(), "-rows", "40", "-dirty-share", "0.2")
			if out, err := gen.CombinedOutput(); err != nil {
				t.Fatalf("legacygen: %v\n%s", err, out)
			}
			dir := t.TempDir()
			argvLog := filepath.Join(t.TempDir(), "argv.log")
			env, secrets := form.setup(t, dir, pg)
			env = append(env, "PATH="+recordChildren(t, argvLog), "MIGRATION_LOG="+filepath.Join(dir, "migration.log"))
			var fragments []string
			for _, s := range secrets {
				fragments = append(fragments, s)
				if e := url.QueryEscape(s); e != s {
					fragments = append(fragments, e)
				}
			}

			var runs []result
			token := "x.y.z"
			for _, args := range commands {
				args = append([]string(nil), args...)
				for i, a := range args {
					if a == "{token}" {
						args[i] = token
					}
				}
				for _, mode := range [][]string{{"--verbose"}, {"-o", "json"}} {
					r := runDhmig(t, dir, env, append(args, mode...)...)
					runs = append(runs, r)
					name := strings.Join(args[:min(2, len(args))], " ")
					if strings.HasPrefix(name, "jwt issue") && mode[0] == "--verbose" && r.Code == 0 {
						token = strings.TrimSpace(r.Stdout)
					}
					switch {
					case !form.valid && r.Code != 2 && args[0] != "version":
						t.Errorf("%s %s: want exit 2 for this configuration, got %s", name, mode, r)
					case form.valid && mustWork[strings.SplitN(name, " --", 2)[0]] && r.Code != 0:
						t.Errorf("%s %s must work for the test to mean anything: %s", name, mode, r)
					}
				}
			}

			// The channels, and how each is read back.
			channels := []struct {
				name string
				read func() string
			}{
				{"stdout (results, JSON errors, config show, history)", func() string {
					var b strings.Builder
					for _, r := range runs {
						b.WriteString(r.Stdout)
					}
					return b.String()
				}},
				{"stderr (errors, logs, --verbose)", func() string {
					var b strings.Builder
					for _, r := range runs {
						b.WriteString(r.Stderr)
					}
					return b.String()
				}},
				{"files dhmig wrote (migration log, manifests, dumps, rejects reports, metrics textfile)", func() string {
					return filesWritten(t, dir)
				}},
				{"argv of pg_dump, pg_restore and psql", func() string {
					b, _ := os.ReadFile(argvLog)
					return string(b)
				}},
			}
			if form.valid {
				if b, _ := os.ReadFile(argvLog); !strings.Contains(string(b), "pg_dump") || !strings.Contains(string(b), "psql") {
					t.Errorf("pg_dump and psql never ran; argv log:\n%s", b)
				}
				if !strings.Contains(filesWritten(t, dir), "manifest") {
					t.Error("no manifest was written")
				}
			}
			for _, ch := range channels {
				text := ch.read()
				for _, s := range fragments {
					if strings.Contains(text, s) {
						t.Errorf("%s carries secret %q", ch.name, s)
					}
				}
			}
		})
	}
}

// filesWritten concatenates every file under dir that dhmig wrote, with its
// path, leaving out the configuration files the test wrote and their
// copies inside backups (a backup keeps .env and dhmig.yaml on purpose).
func filesWritten(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		switch {
		case rel == ".env" || rel == "dhmig.yaml":
			return nil
		case len(parts) > 2 && parts[0] == "backups" && (parts[2] == "config" || parts[2] == "env"):
			return nil
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b.WriteString("== " + rel + "\n")
		b.Write(body)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
