package cli_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/cli"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// result is what an operator would see: both streams and the exit code.
type result struct {
	Stdout, Stderr string
	Code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// run executes dhmig in process, as cmd/dhmig's main does, with in-memory
// streams (no terminal), the given environment only and dir as the working
// directory. The end-to-end tests in cmd/dhmig keep what needs a real
// process: signals, locks across processes, the built binary itself.
func run(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	io, _, out, errOut := output.Test()
	f := cli.NewFactory(io, append([]string{"TZ=UTC"}, env...), dir, cli.BuildInfo{Version: "test"})
	code := cli.Main(context.Background(), args, f)
	io.Flush()
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// mustCode fails the test unless the run exited with code.
func mustCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
}
