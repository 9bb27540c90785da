package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/joho/godotenv"
)

func readEnvFile(t *testing.T, path string) (map[string]string, os.FileMode) {
	t.Helper()
	vals, err := godotenv.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return vals, st.Mode().Perm()
}

func TestConfigInitE2E(t *testing.T) {
	dir := t.TempDir()
	env := []string{"DATABASE_URL=sqlite:///./app.db"}
	path := filepath.Join(dir, ".env")

	r := runDhmig(t, dir, env, "config", "init")
	mustCode(t, r, 0)
	first, mode := readEnvFile(t, path)
	if mode != 0o600 {
		t.Fatalf(".env mode %04o, want 0600", mode)
	}
	secret := first["JWT_SECRET_KEY"]
	if len(secret) < 32 || first["DATABASE_URL"] != "sqlite:///./app.db" || first["JWT_ALGORITHM"] != "HS256" ||
		first["JWT_ACCESS_TOKEN_EXPIRE_MINUTES"] != "15" || first["JWT_REFRESH_TOKEN_EXPIRE_DAYS"] != "30" ||
		first["PASSWORD_MIN_LENGTH"] != "8" || first["MAX_LOGIN_ATTEMPTS"] != "5" || first["ACCOUNT_LOCKOUT_DURATION_MINUTES"] != "30" ||
		first["SMTP_PORT"] != "587" || len(first) != 13 {
		t.Fatalf("written .env = %v", keysOf(first))
	}
	if strings.Contains(r.Stdout+r.Stderr, secret) {
		t.Fatal("config init printed the secret")
	}

	r = runDhmig(t, dir, env, "config", "init")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "already exists") || !strings.Contains(r.Stderr, "--force") {
		t.Errorf("refusal should name the file and --force:\n%s", r)
	}
	if again, _ := readEnvFile(t, path); again["JWT_SECRET_KEY"] != secret {
		t.Fatal("a refused init changed the file")
	}

	r = runDhmig(t, dir, env, "config", "init", "--force", "-o", "json")
	mustCode(t, r, 0)
	var res struct {
		Path   string   `json:"path"`
		Backup string   `json:"backup"`
		Mode   string   `json:"mode"`
		ToFill []string `json:"to_fill"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("init json: %v\n%s", err, r)
	}
	if res.Path != path || res.Mode != "0600" || !strings.HasPrefix(res.Backup, path+".bak-") {
		t.Fatalf("init result = %+v", res)
	}
	old, bmode := readEnvFile(t, res.Backup)
	if bmode != 0o600 || old["JWT_SECRET_KEY"] != secret {
		t.Fatalf("backup mode %04o, keeps the old secret: %v", bmode, old["JWT_SECRET_KEY"] == secret)
	}
	fresh, mode := readEnvFile(t, path)
	if mode != 0o600 || fresh["JWT_SECRET_KEY"] == secret || len(fresh["JWT_SECRET_KEY"]) < 32 {
		t.Fatalf("forced init: mode %04o, new secret differs: %v", mode, fresh["JWT_SECRET_KEY"] != secret)
	}
	if strings.Contains(r.Stdout+r.Stderr, fresh["JWT_SECRET_KEY"]) {
		t.Fatal("config init -o json printed the secret")
	}

	r = runDhmig(t, dir, env, "config", "init", "--path", "other.env")
	mustCode(t, r, 0)
	if _, mode := readEnvFile(t, filepath.Join(dir, "other.env")); mode != 0o600 {
		t.Fatalf("--path file mode %04o", mode)
	}
}

type configCheckReport struct {
	OK       bool   `json:"ok"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	EnvFile  string `json:"env_file"`
	Checks   []struct {
		Key    string `json:"key"`
		Status string `json:"status"`
		Source string `json:"source"`
		Detail string `json:"detail"`
	} `json:"checks"`
}

func (c configCheckReport) status(key string) string {
	for _, k := range c.Checks {
		if k.Key == key {
			return k.Status
		}
	}
	return "absent"
}

func TestConfigCheckE2E(t *testing.T) {
	dir := t.TempDir()
	mustCode(t, runDhmig(t, dir, nil, "config", "init"), 0)
	vals, _ := readEnvFile(t, filepath.Join(dir, ".env"))
	secret := vals["JWT_SECRET_KEY"]

	// A fresh file: only the SMTP placeholders are left, and SMTP_HOST is an error.
	r := runDhmig(t, dir, nil, "config", "check", "-o", "json")
	mustCode(t, r, 2)
	var rep configCheckReport
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("stdout must be one JSON document: %v\n%s", err, r)
	}
	if rep.OK || rep.Errors != 1 || rep.status("SMTP_HOST") != "error" || rep.status("JWT_SECRET_KEY") != "ok" {
		t.Fatalf("fresh init check = %+v", rep)
	}
	if !strings.Contains(r.Stderr, "config check found 1 error") {
		t.Errorf("stderr should say why it failed:\n%s", r)
	}

	// The real environment fills the SMTP values and overrides the .env.
	smtp := []string{"SMTP_HOST=smtp.mail.test", "SMTP_USER=mailer", "SMTP_PASSWORD=Real-Smtp-Pa55word", "SMTP_FROM_EMAIL=noreply@dhafnck.test",
		"NOTIFY_SUPPORT_EMAIL=support@dhafnck.test", "NOTIFY_GUIDE_URL=https://docs.dhafnck.test/auth", "NOTIFY_RESET_URL=https://app.dhafnck.test/reset"}
	r = runDhmig(t, dir, smtp, "config", "check")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stdout, "0 errors, 0 warnings") || !strings.Contains(r.Stdout, "env SMTP_HOST") {
		t.Errorf("all-good check:\n%s", r)
	}

	// The guide's placeholder secret, from an --env-file.
	guide := filepath.Join(dir, "guide.env")
	body := "JWT_SECRET_KEY=your_super_secret_jwt_key_change_this_in_production\nSMTP_HOST=smtp.mail.test\nSMTP_PASSWORD=Real-Smtp-Pa55word\n"
	if err := os.WriteFile(guide, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runDhmig(t, dir, nil, "config", "check", "--env-file", guide, "-o", "json")
	mustCode(t, r, 2)
	rep = configCheckReport{}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, r)
	}
	if rep.EnvFile != guide || rep.status("JWT_SECRET_KEY") != "error" || rep.status("SMTP_PASSWORD") != "warning" {
		t.Fatalf("guide's .env check = %+v", rep)
	}
	for _, s := range []string{"your_super_secret_jwt_key_change_this_in_production", "Real-Smtp-Pa55word", secret} {
		if strings.Contains(r.Stdout+r.Stderr, s) {
			t.Fatalf("config check printed a secret %q:\n%s", s, r)
		}
	}

	r = runDhmig(t, dir, nil, "config", "check", "--env-file", filepath.Join(dir, "missing.env"))
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "missing.env does not exist") {
		t.Errorf("missing --env-file:\n%s", r)
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
