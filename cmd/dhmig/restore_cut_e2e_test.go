package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// cutWrapper stands in for a PostgreSQL client tool. Without
// DHMIG_TEST_CUT_TOOL naming it, or for any call but the restore stream
// (--file=-), it runs the real tool. Otherwise it cuts the stream after
// DHMIG_TEST_CUT: "bytes:N" or "after:REGEX" (through the first line that
// matches). As psql it then touches DHMIG_TEST_CUT_MARK and holds its input
// open until dhmig (its parent) is gone, so the test can kill dhmig there;
// with DHMIG_TEST_CUT_END=hold, until psql itself is gone, so that only
// dhmig's death can end psql.
// As pg_restore (the feeder) it then ends as DHMIG_TEST_CUT_END says:
// "die" (SIGKILL) or "exit0" (a clean exit after a short stream).
const cutWrapper = `#!/bin/bash
real=%q
if [[ "$DHMIG_TEST_CUT_TOOL" != %q || " $* " != *" --file=- "* ]]; then exec "$real" "$@"; fi
cut_stream() {
	case "$DHMIG_TEST_CUT" in
	bytes:*) head -c "${DHMIG_TEST_CUT#bytes:}" ;;
	after:*) sed -u "/${DHMIG_TEST_CUT#after:}/q" ;;
	esac
}
if [[ "$DHMIG_TEST_CUT_TOOL" == psql ]]; then
	dhmig=$PPID
	hold=$dhmig
	if [[ "$DHMIG_TEST_CUT_END" == hold ]]; then hold=$$; fi
	exec "$real" "$@" < <(cut_stream; : > "$DHMIG_TEST_CUT_MARK"; while kill -0 "$hold" 2>/dev/null; do sleep 0.01; done)
fi
"$real" "$@" | cut_stream
if [[ "$DHMIG_TEST_CUT_END" == die ]]; then kill -9 $$; fi
exit 0
`

// cutTools writes the wrappers for psql and pg_restore into a directory
// to put first on PATH.
func cutTools(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"psql", "pg_restore"} {
		real, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("%s not on PATH", name)
		}
		script := fmt.Sprintf(cutWrapper, real, name)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRollbackPostgresCutStreamE2E cuts the restore stream of a PostgreSQL
// rollback at chosen points, for both backup formats: by killing the
// feeding pg_restore (or having it stop early and exit 0), and by killing
// dhmig itself (SIGKILL, the built binary) while psql has read only part
// of the stream, including at statement boundaries. After every cut the
// database is exactly as before the rollback, or — only once psql has
// read dhmig's COMMIT — exactly the backup; no session is left behind.
func TestRollbackPostgresCutStreamE2E(t *testing.T) {
	tg := dbtest.Postgres(t)
	db := dbtest.Open(t, tg)
	bkSeedLegacy(t, db, 3000)
	restored := dbtest.Snapshot(t, db)
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + dbtest.URL(tg)}
	ids := map[string]string{}
	for _, format := range []string{"custom", "plain"} {
		ids[format] = bkParse(t, runDhmig(t, dir, env, "backup", "--format", format, "-o", "json")).ID
	}
	mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
	bkExec(t, db, `DELETE FROM legacy_users WHERE id > 2000`, `DROP TABLE notes`,
		`CREATE TABLE created_after (id INTEGER PRIMARY KEY)`, `INSERT INTO created_after VALUES (7)`)
	// A backup of the changed state puts it back after a cut that committed.
	beforeID := bkParse(t, runDhmig(t, dir, env, "backup", "-o", "json")).ID
	before := dbtest.Snapshot(t, db)
	tools := cutTools(t)
	mark := filepath.Join(t.TempDir(), "cut")

	const (
		copyEnd     = `after:^\\\.$`                                // a statement boundary: the end of the first COPY
		preludeEnd  = `after:^\$dhmig\$;$`                          // dhmig's schema clearing, nothing restored yet
		createTable = `after:^CREATE TABLE`                         // inside a statement
		trailer     = `after:^-- PostgreSQL database dump complete` // the whole dump, not yet COMMIT
		commit      = `after:^COMMIT;$`                             // psql has dhmig's COMMIT
	)
	type cut struct {
		format, tool, at, end string
	}
	cuts := []cut{
		{"custom", "pg_restore", "bytes:300", "die"},
		{"custom", "pg_restore", createTable, "die"},
		{"custom", "pg_restore", copyEnd, "die"},
		{"custom", "pg_restore", copyEnd, "exit0"},
		{"custom", "pg_restore", "bytes:40000", "exit0"},
		{"custom", "psql", "bytes:10", "kill dhmig"},
		{"custom", "psql", preludeEnd, "kill dhmig"},
		{"custom", "psql", copyEnd, "kill dhmig"},
		{"custom", "psql", "bytes:60000", "kill dhmig"},
		{"custom", "psql", copyEnd, "hold"},
		{"custom", "psql", trailer, "kill dhmig"},
		{"custom", "psql", commit, "kill dhmig"},
		{"plain", "psql", "bytes:10", "kill dhmig"},
		{"plain", "psql", preludeEnd, "kill dhmig"},
		{"plain", "psql", createTable, "kill dhmig"},
		{"plain", "psql", copyEnd, "kill dhmig"},
		{"plain", "psql", "bytes:60000", "kill dhmig"},
		{"plain", "psql", "bytes:60000", "hold"},
		{"plain", "psql", trailer, "kill dhmig"},
		{"plain", "psql", commit, "kill dhmig"},
	}
	for _, c := range cuts {
		name := fmt.Sprintf("%s %s %s %s", c.format, c.tool, c.at, c.end)
		cutEnv := append(append([]string{}, env...), "PATH="+tools+string(os.PathListSeparator)+os.Getenv("PATH"),
			"DHMIG_TEST_CUT_TOOL="+c.tool, "DHMIG_TEST_CUT="+c.at, "DHMIG_TEST_CUT_END="+c.end,
			"DHMIG_TEST_CUT_MARK="+mark)
		args := []string{"rollback", "--yes", "--no-safety-backup", "--backup", ids[c.format]}
		os.Remove(mark)
		if c.tool == "psql" {
			killAtMark(t, name, dir, cutEnv, mark, args)
			if left := survivors(5*time.Second, tg.Name, dir, tools); len(left) > 0 {
				t.Fatalf("%s: client tools outlived dhmig: %v", name, left)
			}
		} else {
			r := runDhmig(t, dir, cutEnv, args...)
			if r.Code != 1 || !strings.Contains(r.Stderr, "nothing was changed") {
				t.Errorf("%s: want exit 1 saying nothing was changed, got %s", name, r)
			}
		}
		if busy := dbtest.BusySessions(t, db); len(busy) > 0 {
			t.Fatalf("%s: sessions left behind: %v", name, busy)
		}
		got := dbtest.Snapshot(t, db)
		switch {
		case reflect.DeepEqual(got, before):
		case c.at == commit && reflect.DeepEqual(got, restored):
			// psql had the COMMIT: fully restored. Put the changed state back.
			mustCode(t, runDhmig(t, dir, env, "rollback", "--yes", "--no-safety-backup", "--backup", beforeID), 0)
			if got := dbtest.Snapshot(t, db); !reflect.DeepEqual(got, before) {
				t.Fatalf("%s: could not rebuild the state before the rollback", name)
			}
		default:
			t.Fatalf("%s: the database is neither as before nor the backup: tables %v, legacy_users %d rows",
				name, keys(got), len(got["legacy_users"]))
		}
	}

	// The wrappers pass an uncut stream through: the rollback completes.
	for _, format := range []string{"plain", "custom"} {
		r := runDhmig(t, dir, append(env, "PATH="+tools+string(os.PathListSeparator)+os.Getenv("PATH")),
			"rollback", "--yes", "--no-safety-backup", "--backup", ids[format])
		mustCode(t, r, 0)
		if got := dbtest.Snapshot(t, db); !reflect.DeepEqual(got, restored) {
			t.Fatalf("uncut %s rollback: the database is not the backup: tables %v", format, keys(got))
		}
	}
}

// killAtMark runs dhmig and SIGKILLs it as soon as the psql wrapper says
// the cut point is reached.
func killAtMark(t *testing.T, name, dir string, env []string, mark string, args []string) {
	t.Helper()
	cmd := exec.Command(dhmigBin, args...)
	cmd.Dir, cmd.Env = dir, append(baseEnv(), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("%s: dhmig ended (%v) before the cut point:\n%s", name, err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("%s: the cut point was never reached:\n%s", name, out.String())
		}
	}
	_ = cmd.Process.Kill()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("%s: dhmig was not killed at the cut point (%v):\n%s", name, err, out.String())
	}
}

// survivors waits up to d for the client tools this test started — a
// restore stream's psql or pg_restore naming db or dir, or a wrapper in
// tools — to end; it kills (by pid) and returns those still running.
// Server backends also name db in their title: they never match.
func survivors(d time.Duration, db, dir, tools string) []string {
	for deadline := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		var left []string
		var pids []int
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			b, err := os.ReadFile(p)
			if err != nil || len(b) == 0 {
				continue
			}
			args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
			cmdline := strings.Join(args, " ")
			stream := slices.Contains(args, "--file=-") && (strings.Contains(cmdline, db) || strings.Contains(cmdline, dir))
			if stream || strings.Contains(cmdline, tools) {
				pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
				pids = append(pids, pid)
				left = append(left, cmdline)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			for _, pid := range pids {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			return left
		}
	}
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
