package backup

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

func createPostgres(ctx context.Context, db *database.DB, work, id string, m *Manifest, o Options) (File, error) {
	t := db.Target
	m.Database = DBInfo{Kind: database.Postgres, Identity: t.Identity(), Display: t.Redacted(), Format: o.Format}
	version, err := db.Dialect.ServerVersion(ctx, db)
	if err != nil {
		return File{}, fmt.Errorf("server version: %w", err)
	}
	major, err := ServerMajor(version)
	if err != nil {
		return File{}, err
	}
	tool, err := FindTool(ctx, "pg_dump")
	if err != nil {
		return File{}, err
	}
	if err := CheckCompatible(tool, major); err != nil {
		return File{}, err
	}
	m.Database.DumpTool = &tool

	// pg_dump reads the snapshot this transaction exported, so the counts
	// and tables in the manifest describe exactly the archive.
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return File{}, fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var snapshot string
	if err := tx.GetContext(ctx, &snapshot, `SELECT pg_export_snapshot()`); err != nil {
		return File{}, fmt.Errorf("export snapshot: %w", err)
	}
	if err := describe(ctx, tx, db.Dialect, m); err != nil {
		return File{}, err
	}
	ext := map[string]string{FormatCustom: "dump", FormatPlain: "sql"}[o.Format]
	name := dbFileName(id, ext)
	dest := filepath.Join(work, name)
	fh, err := createFile(dest)
	if err != nil {
		return File{}, err
	}
	fh.Close()
	args := []string{"--format=" + o.Format, "--no-password", "--snapshot=" + snapshot,
		"--file=" + dest, "--dbname=" + t.URLWithoutPassword()}
	if _, err := runTool(ctx, tool.Path, t, nil, nil, args...); err != nil {
		return File{}, err
	}
	if err := os.Chmod(dest, 0o600); err != nil {
		return File{}, err
	}
	fhs, err := os.OpenFile(dest, os.O_RDWR, 0)
	if err == nil {
		err = fhs.Sync()
		fhs.Close()
	}
	if err != nil {
		return File{}, err
	}
	return finishDBFile(work, name)
}

// runTool runs a client program and returns its stdout when stdout is nil;
// a failure carries the tail of its stderr, with any password masked.
func runTool(ctx context.Context, path string, t database.Target, stdin *os.File, stdout *os.File, args ...string) ([]byte, error) {
	env, cleanup, err := toolEnv(t)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	dieWithDhmig(cmd)
	var out, errOut bytes.Buffer
	if stdin != nil {
		cmd.Stdin = stdin
	}
	if stdout != nil {
		cmd.Stdout = stdout
	} else {
		cmd.Stdout = &out
	}
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		return nil, toolError(filepath.Base(path), t, err, errOut.String())
	}
	return out.Bytes(), nil
}

func toolError(name string, t database.Target, err error, stderr string) error {
	msg := strings.TrimSpace(stderr)
	if lines := strings.Split(msg, "\n"); len(lines) > 8 {
		msg = strings.Join(lines[len(lines)-8:], "\n")
	}
	msg = t.RedactText(msg)
	if msg == "" {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fmt.Errorf("%s: %w: %s", name, err, msg)
}
