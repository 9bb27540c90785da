package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// seamRun is one in-process run of dhmig whose command under test was built
// with a runF: the options that runF received (nil when the command refused
// before building them), and what the operator saw.
type seamRun[O any] struct {
	opts   *O
	code   int
	stderr string
}

// runSeam runs dhmig in process, as Main does, in a fresh directory holding
// files (name → content), with env as the whole environment. The command
// newCmd builds, under the group named by parent ("" for the root),
// replaces the real one; its runF records the options and returns runErr.
// Nothing opens a database.
func runSeam[O any](t *testing.T, files map[string]string, env []string, parent string,
	newCmd func(*Factory, func(*O) error) *cobra.Command, runErr error, args ...string) seamRun[O] {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	io, _, _, errOut := output.Test()
	f := NewFactory(io, append([]string{"TZ=UTC"}, env...), dir, BuildInfo{Version: "test"})
	root := NewRootCmd(f)
	group := root
	if parent != "" {
		group = child(t, root, parent)
	}
	var r seamRun[O]
	cmd := newCmd(f, func(o *O) error {
		r.opts = o
		return runErr
	})
	group.RemoveCommand(child(t, group, cmd.Name()))
	group.AddCommand(cmd)
	r.code = execute(context.Background(), root, args, f)
	r.stderr = errOut.String()
	return r
}

func child(t *testing.T, parent *cobra.Command, name string) *cobra.Command {
	t.Helper()
	for _, c := range parent.Commands() {
		if c.Name() == name {
			return c
		}
	}
	t.Fatalf("%s has no command %s", parent.Name(), name)
	return nil
}

// built fails the test unless the run reached runF with exit 0, and returns
// its options.
func built[O any](t *testing.T, r seamRun[O]) *O {
	t.Helper()
	if r.code != ExitOK || r.opts == nil {
		t.Fatalf("want runF called and exit 0, got exit %d, runF called: %v\n%s", r.code, r.opts != nil, r.stderr)
	}
	return r.opts
}

// settings loads the configuration an options struct's command would run
// with and returns the two layered settings writing commands depend on.
func settings(t *testing.T, load func() (*config.Config, error)) (targetName string, lock time.Duration) {
	t.Helper()
	cfg, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Target().Name, cfg.LockTimeout()
}

// TestSeamConfigLayering holds the writing commands to the configuration
// precedence: flag over DHMIG_* environment over dhmig.yaml over default,
// for --target and --lock-timeout, whatever command the root flags follow.
func TestSeamConfigLayering(t *testing.T) {
	yaml := map[string]string{"dhmig.yaml": "target: dhafnck\nlock_timeout: 20s\n"}
	env := []string{"DHMIG_LOCK_TIMEOUT=7s"}
	tests := []struct {
		name       string
		files      map[string]string
		env        []string
		flags      []string
		wantTarget string
		wantLock   time.Duration
	}{
		{"defaults", nil, nil, nil, "guide", 15 * time.Second},
		{"dhmig.yaml", yaml, nil, nil, "dhafnck", 20 * time.Second},
		{"env over dhmig.yaml", yaml, env, nil, "dhafnck", 7 * time.Second},
		{"env target", nil, []string{"DHMIG_TARGET=dhafnck"}, nil, "dhafnck", 15 * time.Second},
		{"flags over env", yaml, append(env, "DHMIG_TARGET=dhafnck"), []string{"--target", "guide", "--lock-timeout", "3s"}, "guide", 3 * time.Second},
	}
	type command struct {
		name string
		run  func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error)
	}
	commands := []command{
		{"migrate", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "", NewMigrateCmd, nil, append([]string{"migrate"}, flags...)...)).config
		}},
		{"migrate-users", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "", NewMigrateUsersCmd, nil, append([]string{"migrate-users"}, flags...)...)).config
		}},
		{"verify", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "", NewVerifyCmd, nil, append([]string{"verify"}, flags...)...)).config
		}},
		{"metrics", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "", NewMetricsCmd, nil, append([]string{"metrics"}, flags...)...)).config
		}},
		{"rollback", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "", NewRollbackCmd, nil, append([]string{"rollback"}, flags...)...)).config
		}},
		{"backup", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "", NewBackupCmd, nil, append([]string{"backup"}, flags...)...)).config
		}},
		{"schema up", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "schema", newSchemaUpCmd, nil, append([]string{"schema", "up"}, flags...)...)).config
		}},
		{"schema down", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "schema", newSchemaDownCmd, nil, append([]string{"schema", "down"}, flags...)...)).config
		}},
		{"jwt issue", func(t *testing.T, files map[string]string, env, flags []string) func() (*config.Config, error) {
			return built(t, runSeam(t, files, env, "jwt", newJWTIssueCmd, nil, append([]string{"jwt", "issue", "--user-id", "u1"}, flags...)...)).config
		}},
	}
	for _, c := range commands {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				name, lock := settings(t, c.run(t, tt.files, tt.env, tt.flags))
				if name != tt.wantTarget || lock != tt.wantLock {
					t.Errorf("target %s, lock timeout %s; want %s, %s", name, lock, tt.wantTarget, tt.wantLock)
				}
			})
		}
	}
}

// TestSeamRunErrorBecomesExitCode: what the run returns decides the exit
// code, through the one mapping in Main, for every command with a seam.
func TestSeamRunErrorBecomesExitCode(t *testing.T) {
	errs := []struct {
		err  error
		code int
	}{
		{errors.New("boom"), ExitError},
		{usageErrorf("bad"), ExitUsage},
		{config.ErrInvalid, ExitUsage},
	}
	runs := map[string]func(t *testing.T, err error) seamRun[struct{}]{
		"migrate": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "", NewMigrateCmd, err, "migrate"))
		},
		"migrate-users": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "", NewMigrateUsersCmd, err, "migrate-users"))
		},
		"verify": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "", NewVerifyCmd, err, "verify"))
		},
		"metrics": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "", NewMetricsCmd, err, "metrics"))
		},
		"rollback": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "", NewRollbackCmd, err, "rollback"))
		},
		"backup": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "", NewBackupCmd, err, "backup"))
		},
		"schema up": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "schema", newSchemaUpCmd, err, "schema", "up"))
		},
		"schema down": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "schema", newSchemaDownCmd, err, "schema", "down"))
		},
		"jwt issue": func(t *testing.T, err error) seamRun[struct{}] {
			return codeOnly(runSeam(t, nil, nil, "jwt", newJWTIssueCmd, err, "jwt", "issue", "--user-id", "u1"))
		},
	}
	for name, run := range runs {
		for _, e := range errs {
			t.Run(name+"/"+e.err.Error(), func(t *testing.T) {
				r := run(t, e.err)
				if r.code != e.code {
					t.Errorf("exit %d, want %d\n%s", r.code, e.code, r.stderr)
				}
				if !strings.Contains(r.stderr, "dhmig: "+e.err.Error()) {
					t.Errorf("stderr does not carry the error:\n%s", r.stderr)
				}
			})
		}
	}
}

// codeOnly drops the options of a run, for tables over several commands.
func codeOnly[O any](r seamRun[O]) seamRun[struct{}] {
	return seamRun[struct{}]{code: r.code, stderr: r.stderr}
}

// sameOptions compares an options struct with want, leaving out the
// configuration loader (TestSeamConfigLayering covers it).
func sameOptions[O any](t *testing.T, got *O, want O, drop func(*O)) {
	t.Helper()
	g := *got
	drop(&g)
	if !reflect.DeepEqual(g, want) {
		t.Errorf("options\n got %+v\nwant %+v", g, want)
	}
}
