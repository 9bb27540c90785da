package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// benchCross measures the move to PostgreSQL while migrating: migrate-users
// reading the legacy table from a SQLite file (--source-url) and writing a
// fresh PostgreSQL database, against dhmig's same-engine copies of the same
// rows (the file into itself; a PostgreSQL database into itself), and its
// peak RSS at rows against smallRows: the source streams, so memory must
// stay flat.
func benchCross(ctx context.Context, c benchConfig) (*report, error) {
	rep := &report{title: fmt.Sprintf("SQLite → PostgreSQL (--source-url), %d users", c.rows)}
	defer noteLoad(rep, loadAvg())
	srv, err := newPGServer(ctx, c.pgURL)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	pid := os.Getpid()
	src := filepath.Join(c.work, "cross_src.db")
	small := filepath.Join(c.work, "cross_small.db")
	for file, rows := range map[string]int{src: c.rows, small: c.smallRows} {
		if err := generateSQLite(ctx, c, file, rows); err != nil {
			return nil, err
		}
	}
	pgSrc := fmt.Sprintf("dhmig_bench_cross_src_%d", pid)
	if err := srv.create(ctx, pgSrc, ""); err != nil {
		return nil, err
	}
	if _, _, err := runTimed(ctx, nil, c.legacygen, "--database-url", srv.url(pgSrc), "--rows", fmt.Sprint(c.rows), "--null-hash-share", "0"); err != nil {
		return nil, err
	}

	seq := 0
	// intoPostgres migrates file's legacy users into a fresh database,
	// or, with file "", a copy of pgSrc into itself.
	intoPostgres := func(file string, into *series) error {
		seq++
		name := fmt.Sprintf("dhmig_bench_cross_%d_%d", pid, seq)
		template := ""
		if file == "" {
			template = pgSrc
		}
		if err := srv.create(ctx, name, template); err != nil {
			return err
		}
		defer srv.drop(ctx, name)
		url := srv.url(name)
		if _, _, err := runTimed(ctx, nil, c.dhmig, "--database-url", url, "schema", "up"); err != nil {
			return err
		}
		args := migrateArgs(url, c.work)
		if file != "" {
			args = append([]string{"--source-url", sqliteURL(file)}, args...)
		}
		s, _, err := runTimed(ctx, nil, c.dhmig, args...)
		into.add(s)
		return err
	}
	intoSQLite := func(into *series) error {
		seq++
		path := filepath.Join(c.work, fmt.Sprintf("cross_same_%d.db", seq))
		if err := copyFile(path, src); err != nil {
			return err
		}
		defer os.Remove(path)
		if _, _, err := runTimed(ctx, nil, c.dhmig, "--database-url", sqliteURL(path), "schema", "up"); err != nil {
			return err
		}
		s, _, err := runTimed(ctx, nil, c.dhmig, migrateArgs(sqliteURL(path), c.work)...)
		into.add(s)
		return err
	}

	var cross, crossSmall, sameSQLite, samePG series
	for round := 0; round < c.rounds; round++ {
		steps := []func() error{
			func() error { return intoPostgres(src, &cross) },
			func() error { return intoSQLite(&sameSQLite) },
			func() error { return intoPostgres("", &samePG) },
		}
		// Rotate which runs first, so none always gets the warmer cache.
		for i := range steps {
			if err := steps[(i+round)%len(steps)](); err != nil {
				return nil, err
			}
		}
	}
	for round := 0; round < c.rounds; round++ {
		if err := intoPostgres(small, &crossSmall); err != nil {
			return nil, err
		}
	}
	for _, same := range []struct {
		what string
		s    *series
	}{{"vs same-engine copy on SQLite", &sameSQLite}, {"vs same-engine copy on PostgreSQL", &samePG}} {
		rep.add("migrate-users SQLite → PostgreSQL "+same.what, fmt.Sprintf("%.2f s", cross.median()),
			fmt.Sprintf("%.2f s", same.s.median()), fmt.Sprintf("%.2f", cross.median()/same.s.median()), "", nil)
	}
	rep.add("rows/s (SQLite → PostgreSQL)", fmt.Sprintf("%.0f", float64(c.rows)/cross.median()), "", "", "", nil)
	reportRSS(rep, c, &cross, &crossSmall)
	rep.note("the source file is opened read-only and read in one snapshot; the target's transaction, bookkeeping and indexes are as on one database")
	return rep, nil
}
