package database_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// holderEnv, when set to a SQLite file's path, makes the test binary a
// process that holds a write session on it until it is killed.
const holderEnv = "DHMIG_TEST_WRITE_HOLDER"

func TestMain(m *testing.M) {
	if path := os.Getenv(holderEnv); path != "" {
		os.Exit(holdWrite(path))
	}
	os.Exit(m.Run())
}

// holdWrite takes a write session, writes inside it, says "held" and waits
// to be killed (a minute at most, should the test die first).
func holdWrite(path string) int {
	ctx := context.Background()
	db, err := database.Open(ctx, database.Target{Kind: database.SQLite, Path: path}, database.OpenOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w, err := database.BeginWrite(ctx, db, database.WriteOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := w.Tx().ExecContext(ctx, `CREATE TABLE written_by_killed_holder (x INT)`); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("held")
	time.Sleep(time.Minute)
	return 1
}

// deadline bounds a wait the lock contract promises will end: far longer
// than any lock timeout here, it only turns a hang into a failure.
const deadline = 60 * time.Second

// beginWithin runs BeginWrite and fails the test if it has not returned
// by the deadline.
func beginWithin(t *testing.T, db *database.DB, timeout time.Duration) (*database.WriteSession, error) {
	t.Helper()
	type result struct {
		w   *database.WriteSession
		err error
	}
	done := make(chan result, 1)
	go func() {
		w, err := database.BeginWrite(context.Background(), db, database.WriteOptions{LockTimeout: timeout})
		done <- result{w, err}
	}()
	select {
	case r := <-done:
		return r.w, r.err
	case <-time.After(deadline):
		t.Fatalf("BeginWrite with a %s lock timeout had not returned after %s", timeout, deadline)
		return nil, nil
	}
}

func wantLockHeld(t *testing.T, err error, timeout time.Duration) {
	t.Helper()
	if !errors.Is(err, database.ErrLockHeld) || !strings.Contains(err.Error(), timeout.String()) {
		t.Fatalf("second writer: %v, want ErrLockHeld naming the %s timeout", err, timeout)
	}
}

// writeLockContract is the single-writer lock every engine keeps, run by
// TestDialectSuite: one writer at a time, a second one told ErrLockHeld
// once the lock timeout runs out, the lock free again once its holder
// closes its session or dies.
func writeLockContract(t *testing.T, tg database.Target) {
	a, b := dbtest.Open(t, tg), dbtest.Open(t, tg)
	const short = 300 * time.Millisecond

	t.Run("second writer", func(t *testing.T) {
		w, err := beginWithin(t, a, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_, err = beginWithin(t, b, short)
		wantLockHeld(t, err, short)
		err = database.WithWriteLock(context.Background(), b, database.WriteOptions{LockTimeout: short}, func() error {
			t.Error("WithWriteLock ran its function while another writer held the lock")
			return nil
		})
		wantLockHeld(t, err, short)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		w2, err := beginWithin(t, b, time.Second)
		if err != nil {
			t.Fatalf("lock after the holder closed: %v", err)
		}
		w2.Close()
	})

	t.Run("several transactions", func(t *testing.T) {
		ran := false
		err := database.WithWriteLock(context.Background(), a, database.WriteOptions{LockTimeout: short}, func() error {
			ran = true
			_, err := a.Exec(`CREATE TABLE written_under_lock (x INT)`)
			return err
		})
		if err != nil || !ran {
			t.Fatalf("WithWriteLock: ran %v, %v", ran, err)
		}
		w, err := beginWithin(t, b, time.Second)
		if err != nil {
			t.Fatalf("lock after WithWriteLock: %v", err)
		}
		w.Close()
	})

	t.Run("killed holder", func(t *testing.T) {
		if tg.Kind == database.Postgres {
			killPostgresHolder(t, a, b)
		} else {
			killSQLiteHolder(t, tg, b)
		}
		w, err := beginWithin(t, b, 10*time.Second)
		if err != nil {
			t.Fatalf("lock after its holder died: %v", err)
		}
		defer w.Close()
		ok, err := database.TableExists(context.Background(), w.Dialect(), w.Tx(), "written_by_killed_holder")
		if err != nil || ok {
			t.Errorf("the killed holder's write survived (exists %v, %v)", ok, err)
		}
	})
}

// killPostgresHolder holds the lock on a and ends its server session.
func killPostgresHolder(t *testing.T, a, b *database.DB) {
	ctx := context.Background()
	w, err := beginWithin(t, a, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close() //nolint:errcheck // its session is gone
	if _, err := w.Tx().ExecContext(ctx, `CREATE TABLE written_by_killed_holder (x INT)`); err != nil {
		t.Fatal(err)
	}
	var pid int
	if err := w.Tx().GetContext(ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	_, err = beginWithin(t, b, 300*time.Millisecond)
	wantLockHeld(t, err, 300*time.Millisecond)
	var ended bool
	if err := b.GetContext(ctx, &ended, `SELECT pg_terminate_backend($1)`, pid); err != nil || !ended {
		t.Fatalf("pg_terminate_backend: %v, %v", ended, err)
	}
}

// killSQLiteHolder runs a process that holds the lock and SIGKILLs it.
func killSQLiteHolder(t *testing.T, tg database.Target, b *database.DB) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+tg.Path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()         //nolint:errcheck // killed
	defer cmd.Process.Kill() //nolint:errcheck // killed below, or now on failure
	said := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		said <- strings.TrimSpace(line)
	}()
	select {
	case line := <-said:
		if line != "held" {
			t.Fatalf("holder process said %q, want held", line)
		}
	case <-time.After(deadline):
		t.Fatal("holder process did not take the lock")
	}
	_, err = beginWithin(t, b, 300*time.Millisecond)
	wantLockHeld(t, err, 300*time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("the holder process exited cleanly: it was not killed holding the lock")
	}
}
