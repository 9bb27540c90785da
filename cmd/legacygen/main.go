// Command legacygen writes a legacy_users table of N users into SQLite or
// PostgreSQL, for tests, the demo and the benchmark.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("legacygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	url := fs.String("database-url", "sqlite:///./dhafnck_mcp.db", "database to write (created when it is a missing SQLite file)")
	fs.IntVar(&o.Rows, "rows", 1000, "number of legacy users")
	fs.Float64Var(&o.NullHashShare, "null-hash-share", 0.05, "share of users with a NULL or empty password hash")
	fs.Float64Var(&o.DirtyShare, "dirty-share", 0, "share of dirty rows (duplicates, invalid fields, unsupported hashes, NULLs, SQL-looking text), spread over every kind")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same seed writes the same rows")
	fs.StringVar(&o.Table, "table", "legacy_users", "table name")
	fs.BoolVar(&o.Replace, "replace", false, "drop the table first if it exists")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	t, err := database.ParseURL(*url)
	if err != nil {
		fmt.Fprintln(stderr, "legacygen:", err)
		return 2
	}
	if o.Rows < 0 || o.NullHashShare < 0 || o.NullHashShare > 1 || o.DirtyShare < 0 || o.DirtyShare > 1 {
		fmt.Fprintln(stderr, "legacygen: --rows must be ≥ 0 and the shares between 0 and 1")
		return 2
	}
	if err := database.ValidateIdent(o.Table); err != nil {
		fmt.Fprintln(stderr, "legacygen:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	db, err := database.Open(ctx, t, database.OpenOptions{Create: true})
	if err != nil {
		fmt.Fprintln(stderr, "legacygen:", err)
		return 1
	}
	defer db.Close()
	start := time.Now()
	n, err := Generate(ctx, db, o)
	if err != nil {
		fmt.Fprintln(stderr, "legacygen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d legacy users to %s.%s in %s\n", n, t.Redacted(), o.Table, time.Since(start).Round(time.Millisecond))
	return 0
}
