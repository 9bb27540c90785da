// Command docgen writes dhmig's man pages (docs/man) and Markdown command
// reference (docs/reference) from the command tree, and docs/manual-sql.md
// from the embedded schema; `make docs` runs it.
// The output is deterministic (no generation date, a fixed man page date)
// so that a test can tell when the committed docs are stale.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/dhafnckmcp/dhmig/pkg/cli"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// manDate is the date in every man page header. It is fixed so that
// regenerating unchanged docs changes nothing; the pages describe the
// binary they ship with, whose version `dhmig version` prints.
var manDate = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

func main() {
	out := flag.String("out", "docs", "directory that receives man/ and reference/")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

// generate replaces out/man/*.1 and out/reference/*.md with pages for every
// command of the tree, so that a removed command loses its page.
func generate(out string) error {
	io, _, _, _ := output.Test()
	root := cli.NewRootCmd(cli.NewFactory(io, nil, "", cli.BuildInfo{Version: "docs"}))
	disableAutoGenTag(root)

	manDir, mdDir := filepath.Join(out, "man"), filepath.Join(out, "reference")
	for dir, pattern := range map[string]string{manDir: "*.1", mdDir: "*.md"} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		old, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		for _, p := range old {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	header := &doc.GenManHeader{Section: "1", Date: &manDate, Source: "dhmig", Manual: "dhmig manual"}
	if err := doc.GenManTree(root, header, manDir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	if err := doc.GenMarkdownTree(root, mdDir); err != nil {
		return fmt.Errorf("markdown reference: %w", err)
	}
	return writeManualSQL(out)
}

func disableAutoGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, sub := range c.Commands() {
		disableAutoGenTag(sub)
	}
}
