package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// stallWrapper stands in for pg_dump: with DHMIG_TEST_STALL_MARK set it
// touches that file and waits for DHMIG_TEST_RELEASE to exist before
// running the real pg_dump, so a test can kill dhmig, or run another
// backup, while this one is unfinished.
const stallWrapper = `#!/bin/bash
if [[ -n "$DHMIG_TEST_STALL_MARK" && "$1" != --version ]]; then
	: > "$DHMIG_TEST_STALL_MARK"
	while [[ ! -e "$DHMIG_TEST_RELEASE" ]]; do sleep 0.01; done
fi
exec %q "$@"
`

// TestBackupIncompleteE2E kills backups (SIGKILL, mid pg_dump) and checks
// what they leave: a hidden work directory whose modes stay 0700/0600,
// listed by `backup list` as incomplete, and removed by the next backup
// or by --keep — but never while a running backup is still writing it.
func TestBackupIncompleteE2E(t *testing.T) {
	tg := dbtest.Postgres(t)
	bkSeedLegacy(t, dbtest.Open(t, tg), 20)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".env"), "JWT_SECRET_KEY=x7Qm2pLk9vRt4sWz8yBn3cFh6dJg1aEu\n")
	backups := filepath.Join(dir, "backups")
	real, err := exec.LookPath("pg_dump")
	if err != nil {
		t.Skip("pg_dump not on PATH")
	}
	tools := t.TempDir()
	writeFile(t, filepath.Join(tools, "pg_dump"), fmt.Sprintf(stallWrapper, real))
	if err := os.Chmod(filepath.Join(tools, "pg_dump"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"DATABASE_URL=" + dbtest.URL(tg), "PATH=" + tools + string(os.PathListSeparator) + os.Getenv("PATH")}
	marks := t.TempDir()

	// stalled starts a backup that waits inside pg_dump until released.
	n := 0
	stalled := func() (cmd *exec.Cmd, release func()) {
		n++
		mark, rel := filepath.Join(marks, fmt.Sprint("mark", n)), filepath.Join(marks, fmt.Sprint("release", n))
		cmd = exec.Command(dhmigBin, "backup", "-o", "json")
		cmd.Dir = dir
		cmd.Env = append(append(baseEnv(), env...), "DHMIG_TEST_STALL_MARK="+mark, "DHMIG_TEST_RELEASE="+rel)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(mark); err == nil {
				break
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatal("the backup never reached pg_dump")
			}
		}
		return cmd, func() { writeFile(t, rel, "") }
	}
	killed := func() string {
		cmd, _ := stalled()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		parts, _ := filepath.Glob(filepath.Join(backups, ".*.partial"))
		if len(parts) == 0 {
			t.Fatal("a killed backup left no work directory")
		}
		return parts[len(parts)-1]
	}
	type listed struct {
		Backups []struct {
			ID, Status, Detail string
		}
	}
	list := func() map[string]string {
		r := runDhmig(t, dir, env, "backup", "list", "-o", "json")
		mustCode(t, r, 0)
		var l listed
		if err := json.Unmarshal([]byte(r.Stdout), &l); err != nil {
			t.Fatalf("backup list -o json: %v\n%s", err, r)
		}
		out := map[string]string{}
		for _, b := range l.Backups {
			out[b.ID] = b.Status + ": " + b.Detail
		}
		return out
	}
	idOf := func(partial string) string {
		return strings.TrimSuffix(strings.TrimPrefix(filepath.Base(partial), "."), ".partial")
	}

	// A killed backup's work stays private and shows as incomplete.
	first := killed()
	err = filepath.WalkDir(first, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if st.Mode().Perm() != want || !st.Mode().IsRegular() && !d.IsDir() {
			t.Errorf("%s: mode %v, want %v", p, st.Mode(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := list()[idOf(first)]; !strings.HasPrefix(got, "incomplete: left by a backup that did not finish") {
		t.Fatalf("backup list shows the killed backup %s as %q", idOf(first), got)
	}
	r := runDhmig(t, dir, env, "backup", "list")
	if !strings.Contains(r.Stdout, idOf(first)) || !strings.Contains(r.Stdout, "incomplete") {
		t.Errorf("backup list (table) should show the incomplete backup:\n%s", r)
	}

	// The next backup removes it (its id may be reused: a sentinel file
	// tells the old directory from a new one)...
	writeFile(t, filepath.Join(first, "sentinel"), "")
	running, release := stalled()
	if _, err := os.Stat(filepath.Join(first, "sentinel")); !os.IsNotExist(err) {
		t.Errorf("the next backup left the killed backup's work %s (%v)", first, err)
	}
	parts, _ := filepath.Glob(filepath.Join(backups, ".*.partial"))
	if len(parts) != 1 {
		t.Fatalf("work directories while one backup runs: %v", parts)
	}
	live := parts[0]
	if got := list()[idOf(live)]; got != "incomplete: being written by a running backup" {
		t.Errorf("backup list shows the running backup %s as %q", idOf(live), got)
	}
	// ...but never the work of a backup still running, which then finishes.
	writeFile(t, filepath.Join(live, "sentinel"), "")
	r = runDhmig(t, dir, env, "backup", "-o", "json")
	mustCode(t, r, 0)
	next := bkParse(t, r).ID
	if _, err := os.Stat(filepath.Join(live, "sentinel")); err != nil {
		t.Fatalf("the next backup removed a running backup's work: %v", err)
	}
	os.Remove(filepath.Join(live, "sentinel"))
	release()
	if err := running.Wait(); err != nil {
		t.Fatalf("the stalled backup, released, failed: %v", err)
	}
	l := list()
	if l[idOf(live)] != "complete: " || l[next] != "complete: " || len(l) != 2 {
		t.Fatalf("after both backups finished: %v", l)
	}

	// --keep removes incomplete work as well.
	third := killed()
	if _, err := os.Stat(third); err != nil {
		t.Fatal(err)
	}
	r = runDhmig(t, dir, env, "backup", "--keep", "1")
	mustCode(t, r, 0)
	if left, _ := filepath.Glob(filepath.Join(backups, ".*")); len(left) != 0 {
		t.Errorf("backup --keep left hidden work: %v", left)
	}
	if ids := bkIDs(t, backups); !slices.Equal(ids, []string{strings.TrimSpace(r.Stdout)}) {
		t.Errorf("backup --keep 1 left %v", ids)
	}
}
