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

// seamCommand is one command with a seam, for tables over all of them: run
// runs it with more args and a runF that returns runErr, and hands back the
// configuration loader of the options runF got (nil when it was not
// reached).
type seamCommand struct {
	name string
	run  func(t *testing.T, files map[string]string, env []string, runErr error, more ...string) (seamRun[struct{}], func() (*config.Config, error))
}

func seamOf[O any](parent string, newCmd func(*Factory, func(*O) error) *cobra.Command, loader func(*O) func() (*config.Config, error), args ...string) seamCommand {
	return seamCommand{name: strings.Join(args, " "), run: func(t *testing.T, files map[string]string, env []string, runErr error, more ...string) (seamRun[struct{}], func() (*config.Config, error)) {
		r := runSeam(t, files, env, parent, newCmd, runErr, append(append([]string{}, args...), more...)...)
		var load func() (*config.Config, error)
		if r.opts != nil {
			load = loader(r.opts)
		}
		return seamRun[struct{}]{code: r.code, stderr: r.stderr}, load
	}}
}

// seamCommands are the commands with a seam, each with the arguments it
// needs to reach it.
var seamCommands = []seamCommand{
	seamOf("", NewMigrateCmd, func(o *migrateOptions) func() (*config.Config, error) { return o.config }, "migrate"),
	seamOf("", NewMigrateUsersCmd, func(o *migrateUsersOptions) func() (*config.Config, error) { return o.config }, "migrate-users"),
	seamOf("", NewVerifyCmd, func(o *verifyOptions) func() (*config.Config, error) { return o.config }, "verify"),
	seamOf("", NewMetricsCmd, func(o *metricsOptions) func() (*config.Config, error) { return o.config }, "metrics"),
	seamOf("", NewRollbackCmd, func(o *rollbackOptions) func() (*config.Config, error) { return o.config }, "rollback"),
	seamOf("", NewBackupCmd, func(o *backupOptions) func() (*config.Config, error) { return o.config }, "backup"),
	seamOf("schema", newSchemaUpCmd, func(o *schemaChangeOptions) func() (*config.Config, error) { return o.config }, "schema", "up"),
	seamOf("schema", newSchemaDownCmd, func(o *schemaChangeOptions) func() (*config.Config, error) { return o.config }, "schema", "down"),
	seamOf("jwt", newJWTIssueCmd, func(o *jwtIssueOptions) func() (*config.Config, error) { return o.config }, "jwt", "issue", "--user-id", "u1"),
}

// TestSeamConfigLayering holds the seamed commands to the configuration
// precedence: flag over DHMIG_* environment over dhmig.yaml over default,
// for --target and --lock-timeout, given after any command.
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
	for _, c := range seamCommands {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				r, load := c.run(t, tt.files, tt.env, nil, tt.flags...)
				if r.code != ExitOK || load == nil {
					t.Fatalf("want runF called and exit 0, got exit %d\n%s", r.code, r.stderr)
				}
				cfg, err := load()
				if err != nil {
					t.Fatal(err)
				}
				if name, lock := cfg.Target().Name, cfg.LockTimeout(); name != tt.wantTarget || lock != tt.wantLock {
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
	for _, c := range seamCommands {
		for _, e := range errs {
			t.Run(c.name+"/"+e.err.Error(), func(t *testing.T) {
				r, _ := c.run(t, nil, nil, e.err)
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

// sameOptions compares an options struct with want, leaving out what drop
// clears (the configuration loader: TestSeamConfigLayering covers it).
func sameOptions[O any](t *testing.T, got *O, want O, drop func(*O)) {
	t.Helper()
	g := *got
	drop(&g)
	if !reflect.DeepEqual(g, want) {
		t.Errorf("options\n got %+v\nwant %+v", g, want)
	}
}
