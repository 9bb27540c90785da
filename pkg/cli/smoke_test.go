package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
)

// The settings' defaults are the paths the smoke package falls back to:
// config show must print what smoke really uses.
func TestSmokeSettingDefaults(t *testing.T) {
	for key, want := range map[string]string{"smoke_login_path": smoke.DefaultPaths.Login,
		"smoke_refresh_path": smoke.DefaultPaths.Refresh, "smoke_protected_path": smoke.DefaultPaths.Protected} {
		s, ok := config.Lookup(key)
		if !ok || s.Default != want {
			t.Errorf("setting %s: %+v, want default %s", key, s, want)
		}
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]float64{"0": 0, "0.01": 0.01, "1%": 0.01, " 2.5% ": 0.025, "100%": 1} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "1.5", "-1%", "101%", "%"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) accepted", in)
		}
	}
}

// The password comes from the file, then the environment, then a prompt;
// without any of them, a usage error that names all three.
func TestSmokePasswordSources(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte(" from file \r\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	newF := func(environ ...string) *Factory {
		io, in, _, _ := output.Test()
		in.WriteString("typed\n")
		return NewFactory(io, environ, dir, BuildInfo{})
	}
	f := newF("DHMIG_SMOKE_PASSWORD=from env")
	if pw, err := f.smokePassword(file); err != nil || string(pw) != " from file " {
		t.Errorf("file: %q, %v", pw, err)
	}
	if pw, err := f.smokePassword(""); err != nil || string(pw) != "from env" {
		t.Errorf("environment: %q, %v", pw, err)
	}
	f = newF()
	_, err := f.smokePassword("")
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--password-file, set DHMIG_SMOKE_PASSWORD, or run on a terminal") {
		t.Errorf("no source: %v", err)
	}
	f.IO.SetTTY(true, true)
	if pw, err := f.smokePassword(""); err != nil || string(pw) != "typed" {
		t.Errorf("prompt: %q, %v", pw, err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\nx\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.smokePassword(empty); !errors.As(err, &ue) || !strings.Contains(err.Error(), "the first line is empty") {
		t.Errorf("empty first line: %v", err)
	}
	if _, err := f.smokePassword(filepath.Join(dir, "missing")); !errors.As(err, &ue) || strings.Contains(err.Error(), "from file") {
		t.Errorf("missing file: %v", err)
	}
}

// smoke's verdicts map to the documented exit codes.
func TestSmokeExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
		kind string
	}{
		{fmt.Errorf("%w: login", smoke.ErrFailed), ExitVerify, "verify_failed"},
		{smoke.ErrGateBreached, ExitVerify, "verify_failed"},
		{fmt.Errorf("%w: locked", smoke.ErrLoginRefused), ExitVerify, "verify_failed"},
		{fmt.Errorf("%w: http://127.0.0.1:1", smoke.ErrUnreachable), ExitError, "unreachable"},
		{reported(fmt.Errorf("load test stopped after 3 requests: %w", context.Canceled)), ExitError, "interrupted"},
	} {
		if code, kind := ExitCode(c.err); code != c.code || kind != c.kind {
			t.Errorf("%v: exit %d %s, want %d %s", c.err, code, kind, c.code, c.kind)
		}
	}
}
