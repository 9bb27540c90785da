package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/joho/godotenv"
)

func TestRenderEnvRoundTrips(t *testing.T) {
	lines := AppEnv("postgresql://app:p#ss w0rd@db:5432/dhafnck?sslmode=disable", goodSecret)
	b, err := RenderEnv(lines)
	if err != nil {
		t.Fatal(err)
	}
	got, err := godotenv.UnmarshalBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(lines) {
		t.Fatalf("read back %d keys, wrote %d:\n%s", len(got), len(lines), b)
	}
	for _, l := range lines {
		if got[l.Key] != l.Value {
			t.Errorf("%s read back as %q, want %q", l.Key, got[l.Key], l.Value)
		}
	}
	if _, err := RenderEnv([]EnvLine{{Key: "X", Value: `it's`}}); err == nil {
		t.Error("a value with a quote must be refused, not written ambiguously")
	}
}

func TestInitThenCheck(t *testing.T) {
	dir := t.TempDir()
	secret, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := RenderEnv(AppEnv("sqlite:///./dhafnck_mcp.db", secret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteEnvFile(filepath.Join(dir, ".env"), b, WriteEnvOptions{}); err != nil {
		t.Fatal(err)
	}
	rep := loadEnv(t, dir, nil).CheckApp()
	// Only the SMTP placeholders and notify's letter settings (not the app's:
	// config init leaves them out) stand between a fresh file and a clean check.
	var notOK []string
	for _, k := range rep.Checks {
		if k.Status != VerdictOK {
			notOK = append(notOK, k.Key+"="+string(k.Status))
		}
	}
	if got := strings.Join(notOK, ","); got != "SMTP_HOST=error,SMTP_USER=warning,SMTP_PASSWORD=warning,SMTP_FROM_EMAIL=warning,"+
		"NOTIFY_SUPPORT_EMAIL=warning,NOTIFY_GUIDE_URL=warning,NOTIFY_RESET_URL=warning" {
		t.Fatalf("fresh file verdicts: %s", got)
	}
}

func TestWriteEnvFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	now := time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC)

	res, err := WriteEnvFile(path, []byte("A=1\n"), WriteEnvOptions{Now: now})
	if err != nil || res.Backup != "" {
		t.Fatalf("first write: %+v %v", res, err)
	}
	assertFile(t, path, "A=1\n", 0o600)

	_, err = WriteEnvFile(path, []byte("A=2\n"), WriteEnvOptions{Now: now})
	if !errors.Is(err, ErrEnvExists) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second write without force: %v", err)
	}
	assertFile(t, path, "A=1\n", 0o600)

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = WriteEnvFile(path, []byte("A=2\n"), WriteEnvOptions{Force: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if want := path + ".bak-20250301T123000Z"; res.Backup != want {
		t.Fatalf("backup = %q, want %q", res.Backup, want)
	}
	assertFile(t, path, "A=2\n", 0o600)
	assertFile(t, res.Backup, "A=1\n", 0o600)

	res, err = WriteEnvFile(path, []byte("A=3\n"), WriteEnvOptions{Force: true, Now: now})
	if err != nil || res.Backup != path+".bak-20250301T123000Z-1" {
		t.Fatalf("second forced write in the same second: %+v %v", res, err)
	}
	assertFile(t, res.Backup, "A=2\n", 0o600)
	assertFile(t, path+".bak-20250301T123000Z", "A=1\n", 0o600)

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteEnvFileMissingDir(t *testing.T) {
	_, err := WriteEnvFile(filepath.Join(t.TempDir(), "nope", ".env"), []byte("A=1\n"), WriteEnvOptions{})
	if err == nil || !strings.Contains(err.Error(), "create a file next to") {
		t.Fatalf("err = %v", err)
	}
}

func assertFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != content || st.Mode().Perm() != mode {
		t.Fatalf("%s = %q mode %04o, want %q mode %04o", path, b, st.Mode().Perm(), content, mode)
	}
}
