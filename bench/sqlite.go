package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	sqlfiles "github.com/dhafnckmcp/dhmig/sql"
)

// sqliteBaselineInsert is the guide's data step in SQLite's dialect.
const sqliteBaselineInsert = `INSERT INTO auth_users (email, username, password_hash, status, roles, created_at, verified_at, updated_at)
SELECT lower(trim(email)), trim(username), password_hash,
       CASE WHEN is_active THEN 'active' ELSE 'pending_verification' END, '["user"]',
       COALESCE(created_at, CURRENT_TIMESTAMP),
       CASE WHEN is_active THEN COALESCE(created_at, CURRENT_TIMESTAMP) END,
       CURRENT_TIMESTAMP
FROM legacy_users`

const sqlitePrefill = `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 10000)
INSERT INTO auth_users (email, username, password_hash, status)
SELECT 'existing' || n || '@example.org', 'existing' || n, ?, 'active' FROM s`

// sqliteMetricsScan counts what DESIGN.md's metrics need from auth_users
// and no index holds: the locked accounts and the users of each of the
// application's roles (users with other role lists would need more).
const sqliteMetricsScan = `SELECT COUNT(*), COUNT(*) FILTER (WHERE is_locked),
	COUNT(*) FILTER (WHERE roles = '["admin"]'), COUNT(*) FILTER (WHERE roles = '["user"]'),
	COUNT(*) FILTER (WHERE roles = '["viewer"]'), COUNT(*) FILTER (WHERE roles = '["developer"]')
FROM auth_users`

func openSQLite(ctx context.Context, path string) (*database.DB, error) {
	return database.Open(ctx, database.Target{Kind: database.SQLite, Path: path}, database.OpenOptions{})
}

// execSQLite runs statements on a file through the same driver dhmig uses.
func execSQLite(ctx context.Context, path string, stmts ...string) (sample, error) {
	db, err := openSQLite(ctx, path)
	if err != nil {
		return sample{}, err
	}
	defer db.Close()
	return timeFunc(func() error {
		for _, s := range stmts {
			if _, err := db.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// querySQLite runs queries and reads every row, as a client would.
func querySQLite(ctx context.Context, path string, queries ...string) (sample, error) {
	db, err := openSQLite(ctx, path)
	if err != nil {
		return sample{}, err
	}
	defer db.Close()
	return timeFunc(func() error {
		for _, q := range queries {
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			for rows.Next() {
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func sqliteURL(path string) string { return "sqlite:" + path }

func generateSQLite(ctx context.Context, c benchConfig, path string, rows int) error {
	_, _, err := runTimed(ctx, nil, c.legacygen, "--database-url", sqliteURL(path), "--rows", fmt.Sprint(rows), "--null-hash-share", "0")
	return err
}

func benchSQLite(ctx context.Context, c benchConfig) (*report, error) {
	rep := &report{title: fmt.Sprintf("SQLite, %d users", c.rows)}
	defer noteLoad(rep, loadAvg())
	src := filepath.Join(c.work, "legacy_src.db")
	if err := generateSQLite(ctx, c, src, c.rows); err != nil {
		return nil, err
	}
	ddl, _ := sqlfiles.FS.ReadFile("sqlite/0001_auth_schema.up.sql")

	var copies copySeries
	kept := filepath.Join(c.work, "migrated.db")
	for round := 0; round < c.rounds; round++ {
		for _, v := range order(round) {
			for _, prefilled := range []bool{false, true} {
				path := filepath.Join(c.work, fmt.Sprintf("round_%s_%d_%v.db", v, round, prefilled))
				if err := copyFile(path, src); err != nil {
					return nil, err
				}
				var s sample
				var err error
				if v == "baseline" {
					if _, err := execSQLite(ctx, path, string(ddl)); err != nil {
						return nil, err
					}
					if prefilled {
						if err := prefill(ctx, sqliteURL(path), sqlitePrefill); err != nil {
							return nil, err
						}
					}
					s, err = execSQLite(ctx, path, sqliteBaselineInsert)
				} else {
					if _, _, err := runTimed(ctx, nil, c.dhmig, "--database-url", sqliteURL(path), "schema", "up"); err != nil {
						return nil, err
					}
					if prefilled {
						if err := prefill(ctx, sqliteURL(path), sqlitePrefill); err != nil {
							return nil, err
						}
					}
					s, _, err = runTimed(ctx, nil, c.dhmig, migrateArgs(sqliteURL(path), c.work)...)
				}
				if err != nil {
					return nil, err
				}
				copies.add(v, prefilled, s)
				if v == "dhmig" && !prefilled && round == 0 {
					if err := os.Rename(path, kept); err != nil {
						return nil, err
					}
					continue
				}
				os.Remove(path)
			}
		}
	}
	copies.report(rep, c.rows, 1.2, 1.2)

	smallSrc := filepath.Join(c.work, "legacy_small.db")
	if err := generateSQLite(ctx, c, smallSrc, c.smallRows); err != nil {
		return nil, err
	}
	var small series
	for round := 0; round < c.rounds; round++ {
		path := filepath.Join(c.work, fmt.Sprintf("small_%d.db", round))
		if err := copyFile(path, smallSrc); err != nil {
			return nil, err
		}
		if _, _, err := runTimed(ctx, nil, c.dhmig, "--database-url", sqliteURL(path), "schema", "up"); err != nil {
			return nil, err
		}
		s, _, err := runTimed(ctx, nil, c.dhmig, migrateArgs(sqliteURL(path), c.work)...)
		if err != nil {
			return nil, err
		}
		small.add(s)
		os.Remove(path)
	}
	reportRSS(rep, c, &copies.dh, &small)

	query := func(qs ...string) func() (sample, error) {
		return func() (sample, error) { return querySQLite(ctx, kept, qs...) }
	}
	guide := query("SELECT email, COUNT(*) FROM auth_users GROUP BY email HAVING COUNT(*) > 1",
		"SELECT * FROM auth_users WHERE email IS NULL OR username IS NULL")
	if err := benchReadSide(ctx, c, rep, sqliteURL(kept), guide, verifyFloor(query(parityJoinCount)),
		&floor{what: "one scan of auth_users for the total, the locked accounts and the users of each role", command: "metrics", target: 1.5,
			run: query(sqliteMetricsScan)}); err != nil {
		return nil, err
	}
	if err := benchBackupSQLite(ctx, c, rep, kept); err != nil {
		return nil, err
	}
	return rep, nil
}
