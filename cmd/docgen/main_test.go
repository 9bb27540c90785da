package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDocsUpToDate fails when docs/man or docs/reference differ from what
// the command tree generates: run make docs and commit the result.
func TestDocsUpToDate(t *testing.T) {
	tmp := t.TempDir()
	if err := generate(tmp); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"man", "reference"} {
		want := readDir(t, filepath.Join(tmp, sub))
		got := readDir(t, filepath.Join("..", "..", "docs", sub))
		var stale []string
		for name, b := range want {
			if g, ok := got[name]; !ok {
				stale = append(stale, name+" (missing)")
			} else if !bytes.Equal(g, b) {
				stale = append(stale, name+" (differs)")
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				stale = append(stale, name+" (no such command any more)")
			}
		}
		slices.Sort(stale)
		if len(stale) > 0 {
			t.Errorf("docs/%s is stale: run make docs and commit the result:\n  %s", sub, strings.Join(stale, "\n  "))
		}
	}
	want, err := os.ReadFile(filepath.Join(tmp, "manual-sql.md"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join("..", "..", "docs", "manual-sql.md")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("docs/manual-sql.md is stale (%v): run make docs and commit the result", err)
	}
	if !bytes.Contains(want, []byte("CREATE INDEX idx_refresh_tokens_family ON auth_refresh_tokens(token_family);")) {
		t.Errorf("manual-sql.md lacks the guide's DDL")
	}
}

// TestGenerateIsDeterministic: two runs give the same bytes, with no date of
// generation and cobra's auto-generated tag off.
func TestGenerateIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := generate(a); err != nil {
		t.Fatal(err)
	}
	if err := generate(b); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"man", "reference"} {
		x, y := readDir(t, filepath.Join(a, sub)), readDir(t, filepath.Join(b, sub))
		if len(x) < 5 || len(x) != len(y) {
			t.Fatalf("%s: %d and %d pages", sub, len(x), len(y))
		}
		for name, body := range x {
			if !bytes.Equal(body, y[name]) {
				t.Errorf("%s/%s differs between two runs", sub, name)
			}
			if bytes.Contains(body, []byte("Auto generated")) {
				t.Errorf("%s/%s carries cobra's auto-generated tag", sub, name)
			}
		}
	}
	for _, page := range []string{"man/dhmig-config-check.1", "man/dhmig-jwt-verify.1", "reference/dhmig_completion_bash.md", "reference/dhmig.md"} {
		if _, err := os.Stat(filepath.Join(a, page)); err != nil {
			t.Errorf("expected page %s: %v", page, err)
		}
	}
}

// TestGenerateRemovesStalePages: a page of a command that no longer exists
// is removed, other files are left alone.
func TestGenerateRemovesStalePages(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"man/dhmig-gone.1", "reference/dhmig_gone.md", "man/keep.txt"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"man/dhmig-gone.1": false, "reference/dhmig_gone.md": false, "man/keep.txt": true} {
		if _, err := os.Stat(filepath.Join(dir, p)); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", p, err == nil, want)
		}
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}
