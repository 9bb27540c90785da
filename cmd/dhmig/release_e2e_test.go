package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVersionLdflagsE2E builds dhmig the way the Makefile and goreleaser do,
// with -X main.version/commit/date, and checks every way to ask for them.
func TestVersionLdflagsE2E(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "dhmig")
	ldflags := "-X main.version=1.2.3 -X main.commit=0123abcd -X main.date=2025-03-01T12:00:00Z"
	build := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("dhmig %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	want := "dhmig 1.2.3 (commit 0123abcd, built 2025-03-01T12:00:00Z, " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	if got := run("version"); got != want {
		t.Errorf("version:\n got %q\nwant %q", got, want)
	}
	if got := run("--version"); got != "dhmig 1.2.3\n" {
		t.Errorf("--version = %q", got)
	}
	var v struct {
		Version, Commit, Date, Go, Platform string
	}
	if err := json.Unmarshal([]byte(run("version", "-o", "json")), &v); err != nil {
		t.Fatal(err)
	}
	if v.Version != "1.2.3" || v.Commit != "0123abcd" || v.Date != "2025-03-01T12:00:00Z" || v.Go != runtime.Version() {
		t.Errorf("version -o json = %+v", v)
	}
}

// TestVersionFallbackE2E: the test binary is built without ldflags (and
// without VCS stamping), so it falls back to dev/unknown.
func TestVersionFallbackE2E(t *testing.T) {
	r := runDhmig(t, t.TempDir(), nil, "version")
	mustCode(t, r, 0)
	if !strings.HasPrefix(r.Stdout, "dhmig dev (commit ") {
		t.Errorf("version without ldflags:\n%s", r)
	}
}

func TestCompletionE2E(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash": "__start_dhmig",
		"zsh":  "#compdef dhmig",
		"fish": "complete -c dhmig",
	} {
		t.Run(shell, func(t *testing.T) {
			r := runDhmig(t, t.TempDir(), nil, "completion", shell)
			mustCode(t, r, 0)
			if !strings.Contains(r.Stdout, marker) || r.Stderr != "" {
				t.Fatalf("completion %s lacks %q:\n%.300s", shell, marker, r)
			}
		})
	}
	// The scripts call back into dhmig for dynamic completion: subcommands
	// of config must come back.
	r := runDhmig(t, t.TempDir(), nil, "__complete", "config", "")
	mustCode(t, r, 0)
	for _, sub := range []string{"check", "init", "show"} {
		if !strings.Contains(r.Stdout, sub) {
			t.Errorf("__complete config lacks %s:\n%s", sub, r)
		}
	}
	r = runDhmig(t, t.TempDir(), nil, "completion", "tcsh")
	mustCode(t, r, 2)
}

// TestGoreleaserConfigCheck validates .goreleaser.yaml with the goreleaser
// that `make release-check` installs into bin/ (or one on PATH). It skips
// when neither exists: building goreleaser takes minutes, so `make test`
// does not; `make release-snapshot` runs the full snapshot build.
func TestGoreleaserConfigCheck(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "bin", "goreleaser-v2.15.1")
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("goreleaser"); err != nil {
			t.Skip("goreleaser is not installed: run make release-check")
		}
	}
	cmd := exec.Command(bin, "check")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "1 configuration file(s) validated") {
		t.Fatalf("goreleaser check: %v\n%s", err, out)
	}
}
