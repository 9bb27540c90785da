// Command dhmig moves a DhafnckMCP installation from its legacy user table to
// the JWT authentication schema. See README.md and docs/.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dhafnckmcp/dhmig/pkg/cli"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// Set by -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var version, commit, date string

func main() { os.Exit(run()) }

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, _ := os.Getwd()
	build := cli.BuildInfo{Version: version, Commit: commit, Date: date}.Complete()
	f := cli.NewFactory(output.System(), os.Environ(), dir, build)
	return cli.Main(ctx, os.Args[1:], f)
}
