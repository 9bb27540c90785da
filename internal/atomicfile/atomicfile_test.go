package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, ".*.dhmig-tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return left
}

func TestWriteFileReplacesWithMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "new" {
		t.Fatalf("content %q, %v", b, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v: want 0600", st.Mode().Perm(), err)
	}
	if left := leftovers(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestCommitNewKeepsAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Discard()
	if _, err := p.Write([]byte("ours")); err != nil {
		t.Fatal(err)
	}
	if err := p.CommitNew(); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("CommitNew over an existing file: %v, want fs.ErrExist", err)
	}
	p.Discard()
	if b, _ := os.ReadFile(path); string(b) != "theirs" {
		t.Errorf("existing file now %q", b)
	}
	if left := leftovers(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestDiscardBeforeCommitLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p, err := Create(filepath.Join(dir, "g"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	p.Discard()
	if _, err := os.Stat(filepath.Join(dir, "g")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("target exists after Discard: %v", err)
	}
	if left := leftovers(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
