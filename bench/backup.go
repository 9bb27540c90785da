package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// benchBackupPostgres times dhmig backup against the bare pg_dump it wraps,
// same (custom) format; dhmig's time includes checksums and the manifest.
func benchBackupPostgres(ctx context.Context, c benchConfig, rep *report, url string) error {
	return benchBackup(ctx, c, rep, url, "backup vs bare pg_dump -Fc", func(dir string) (sample, error) {
		s, _, err := runTimed(ctx, nil, "pg_dump", "-Fc", "-f", filepath.Join(dir, "bare.dump"), "-d", url)
		return s, err
	})
}

// benchBackupSQLite times dhmig backup against SQLite's online backup API
// driven directly through the same driver. A backup is declared good only
// after PRAGMA integrity_check on the copy: it is timed alone on the same
// file, as backup's floor.
func benchBackupSQLite(ctx context.Context, c benchConfig, rep *report, path string) error {
	return benchBackup(ctx, c, rep, sqliteURL(path), "backup vs bare SQLite online backup", func(dir string) (sample, error) {
		return timeFunc(func() error { return bareSQLiteBackup(ctx, path, filepath.Join(dir, "bare.db")) })
	}, &floor{what: "PRAGMA integrity_check", command: "backup", target: 1.5,
		run: func() (sample, error) { return querySQLite(ctx, path, "PRAGMA integrity_check") }})
}

// benchBackup alternates dhmig backup of url with the bare backup, each
// round into a fresh directory, and reports the median ratio. Floors, if
// any, are timed in the same rounds.
func benchBackup(ctx context.Context, c benchConfig, rep *report, url, what string, bareBackup func(dir string) (sample, error), floors ...*floor) error {
	if !hasCommand(ctx, c.dhmig, "backup") {
		rep.add("backup vs the bare tool", "not measured", "", "", "", nil)
		rep.note("this dhmig binary has no \"backup\" command: build one that has it to measure backups")
		return nil
	}
	var bare, dh, before series
	for round := 0; round < c.rounds; round++ {
		dir := filepath.Join(c.work, fmt.Sprintf("backup_%d", round))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		steps := []func() error{
			func() error {
				s, err := bareBackup(dir)
				bare.add(s)
				return err
			},
			timed(ctx, &dh, c.dhmig, "--database-url", url, "--backup-dir", filepath.Join(dir, "dhmig"), "--no-progress", "backup"),
		}
		if round%2 == 1 {
			steps[0], steps[1] = steps[1], steps[0]
		}
		if c.before != "" {
			steps = append(steps, timed(ctx, &before, c.before, "--database-url", url, "--backup-dir", filepath.Join(dir, "before"), "--no-progress", "backup"))
		}
		if err := runRound(steps, floors); err != nil {
			return err
		}
		os.RemoveAll(dir)
	}
	rep.compare(what, dh.median(), bare.median(), 1.5)
	if c.before != "" {
		rep.versus("backup", dh.median(), before.median())
	}
	for _, f := range floors {
		f.report(rep, bare.median())
	}
	return nil
}

// bareSQLiteBackup copies src to dst with the online backup API in one step.
func bareSQLiteBackup(ctx context.Context, src, dst string) error {
	from, err := openSQLite(ctx, src)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := database.Open(ctx, database.Target{Kind: database.SQLite, Path: dst}, database.OpenOptions{Create: true})
	if err != nil {
		return err
	}
	defer to.Close()
	return database.OnlineBackup(ctx, from, to, database.OnlineBackupOptions{})
}
