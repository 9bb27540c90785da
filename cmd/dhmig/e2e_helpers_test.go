package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dhmigBin is the binary built once for the end-to-end tests, run as an
// operator would run it; legacygenBin writes their legacy fixtures.
var dhmigBin, legacygenBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dhmig-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dhmigBin = filepath.Join(dir, "dhmig")
	build := exec.Command("go", "build", "-o", dhmigBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build dhmig:", err)
		os.Exit(1)
	}
	legacygenBin = filepath.Join(dir, "legacygen")
	build = exec.Command("go", "build", "-o", legacygenBin, "../legacygen")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build legacygen:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what an operator sees: both streams and the exit code.
type result struct {
	Stdout, Stderr string
	Code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// baseEnv is a clean environment: no DATABASE_URL or MIGRATION_* from the
// machine running the tests leaks into the binary.
func baseEnv() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=UTC"}
}

// runDhmig runs the binary in dir with extra environment and no terminal.
func runDhmig(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(dhmigBin, args...)
	cmd.Dir = dir
	cmd.Env = append(baseEnv(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run dhmig %s: %v", strings.Join(args, " "), err)
	}
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// mustCode fails the test unless the run exited with code.
func mustCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
}

// writeFile writes a private file for a test.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
