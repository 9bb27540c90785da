package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	sqlfiles "github.com/dhafnckmcp/dhmig/sql"
)

// pgBaselineInsert is the guide's data step as one in-database statement,
// with the mapping of DESIGN.md.
const pgBaselineInsert = `INSERT INTO auth_users (email, username, password_hash, status, roles, created_at, verified_at, updated_at)
SELECT lower(trim(email)), trim(username), password_hash,
       CASE WHEN is_active THEN 'active' ELSE 'pending_verification' END, ARRAY['user'],
       COALESCE(created_at, now() AT TIME ZONE 'utc'),
       CASE WHEN is_active THEN COALESCE(created_at, now() AT TIME ZONE 'utc') END,
       now() AT TIME ZONE 'utc'
FROM legacy_users`

// guideTroubleshooting are the guide's two troubleshooting queries.
const guideTroubleshooting = `SELECT email, COUNT(*) FROM auth_users GROUP BY email HAVING COUNT(*) > 1;
SELECT * FROM auth_users WHERE email IS NULL OR username IS NULL;`

// pgServer creates and drops the bench's databases.
type pgServer struct {
	admin   database.Target
	db      *database.DB
	created []string
	// fileCopy: the server (15+) can copy a template file by file, which
	// is faster than through the WAL and starts each measured run after a
	// checkpoint instead of amid one.
	fileCopy bool
}

func newPGServer(ctx context.Context, url string) (*pgServer, error) {
	t, err := database.ParseURL(url)
	if err != nil {
		return nil, err
	}
	db, err := database.Open(ctx, t, database.OpenOptions{})
	if err != nil {
		return nil, err
	}
	var num int
	if err := db.GetContext(ctx, &num, `SELECT current_setting('server_version_num')::int`); err != nil {
		db.Close()
		return nil, err
	}
	return &pgServer{admin: t, db: db, fileCopy: num >= 150000}, nil
}

func (s *pgServer) target(name string) database.Target {
	t := s.admin
	t.Name = name
	return t
}

func (s *pgServer) url(name string) string { return s.target(name).URL() }

func (s *pgServer) create(ctx context.Context, name, template string) error {
	q := `CREATE DATABASE ` + name
	if template != "" {
		q += ` TEMPLATE ` + template
		if s.fileCopy {
			q += ` STRATEGY FILE_COPY`
		}
	}
	if _, err := s.db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	s.created = append(s.created, name)
	return nil
}

func (s *pgServer) drop(ctx context.Context, name string) {
	_, _ = s.db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
}

func (s *pgServer) close() {
	for _, n := range s.created {
		s.drop(context.Background(), n)
	}
	s.db.Close()
}

func psqlArgs(url string, extra ...string) []string {
	return append([]string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url}, extra...)
}

func benchPostgres(ctx context.Context, c benchConfig) (*report, error) {
	rep := &report{title: fmt.Sprintf("PostgreSQL, %d users", c.rows)}
	defer noteLoad(rep, loadAvg())
	srv, err := newPGServer(ctx, c.pgURL)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	pid := os.Getpid()
	src := fmt.Sprintf("dhmig_bench_src_%d", pid)
	if err := srv.create(ctx, src, ""); err != nil {
		return nil, err
	}
	if _, _, err := runTimed(ctx, nil, c.legacygen, "--database-url", srv.url(src), "--rows", fmt.Sprint(c.rows), "--null-hash-share", "0"); err != nil {
		return nil, err
	}
	schemaFile := filepath.Join(c.work, "pg_0001.sql")
	ddl, _ := sqlfiles.FS.ReadFile("postgres/0001_auth_schema.up.sql")
	if err := os.WriteFile(schemaFile, ddl, 0o600); err != nil {
		return nil, err
	}

	refFile := filepath.Join(c.work, "pg_indexes_after.sql")
	refMapFile := filepath.Join(c.work, "pg_indexes_after_with_map.sql")
	for file, text := range map[string]string{refFile: pgIndexesAfter, refMapFile: pgIndexesAfterWithMap} {
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			return nil, err
		}
	}
	guideDDL := func(url string) error {
		_, _, err := runTimed(ctx, nil, "psql", psqlArgs(url, "-f", schemaFile)...)
		return err
	}
	dhmigDDL := func(url string) error {
		_, _, err := runTimed(ctx, nil, c.dhmig, "--database-url", url, "schema", "up")
		return err
	}
	var copies copySeries
	var ref, refMap series
	var kept string
	for round := 0; round < c.rounds; round++ {
		for _, r := range []struct {
			kind, file string
			schema     func(url string) error
			into       *series
		}{{"ref", refFile, guideDDL, &ref}, {"refmap", refMapFile, dhmigDDL, &refMap}} {
			name := fmt.Sprintf("dhmig_bench_%s_%d_%d", r.kind, pid, round)
			if err := srv.create(ctx, name, src); err != nil {
				return nil, err
			}
			if err := r.schema(srv.url(name)); err != nil {
				return nil, err
			}
			s, _, err := runTimed(ctx, nil, "psql", psqlArgs(srv.url(name), "-f", r.file)...)
			if err != nil {
				return nil, err
			}
			r.into.add(s)
			srv.drop(ctx, name)
		}
		for _, v := range order(round) {
			for _, prefilled := range []bool{false, true} {
				name := fmt.Sprintf("dhmig_bench_%s_%d_%d_%v", v, pid, round, prefilled)
				if err := srv.create(ctx, name, src); err != nil {
					return nil, err
				}
				url := srv.url(name)
				var s sample
				if v == "baseline" {
					if _, _, err := runTimed(ctx, nil, "psql", psqlArgs(url, "-f", schemaFile)...); err != nil {
						return nil, err
					}
					if prefilled {
						if err := prefill(ctx, url, pgPrefill); err != nil {
							return nil, err
						}
					}
					s, _, err = runTimed(ctx, nil, "psql", psqlArgs(url, "-c", pgBaselineInsert)...)
				} else {
					if _, _, err := runTimed(ctx, nil, c.dhmig, "--database-url", url, "schema", "up"); err != nil {
						return nil, err
					}
					if prefilled {
						if err := prefill(ctx, url, pgPrefill); err != nil {
							return nil, err
						}
					}
					s, _, err = runTimed(ctx, nil, c.dhmig, migrateArgs(url, c.work)...)
				}
				if err != nil {
					return nil, err
				}
				copies.add(v, prefilled, s)
				if v == "dhmig" && !prefilled && kept == "" {
					kept = name
					continue
				}
				srv.drop(ctx, name)
			}
		}
	}
	copies.report(rep, c.rows, 0.6, 1.0)
	rep.note("reference (psql): the guide's INSERT ... SELECT with the indexes built after the load, in one transaction: %.2f s, %.2f of the baseline",
		ref.median(), ref.median()/copies.base.median())
	rep.note("reference with dhmig_user_map (psql): the same, plus the mapping dhmig must also write (its rows, key, index and foreign key), set-based: %.2f s, %.2f of the baseline; dhmig takes %.2f of its time",
		refMap.median(), refMap.median()/copies.base.median(), copies.dh.median()/refMap.median())

	small, err := smallRunPostgres(ctx, c, srv, pid)
	if err != nil {
		return nil, err
	}
	reportRSS(rep, c, &copies.dh, small)

	psqlQuery := func(q string) func() (sample, error) {
		return func() (sample, error) {
			s, _, err := runTimed(ctx, nil, "psql", psqlArgs(srv.url(kept), "-o", "/dev/null", "-c", q)...)
			return s, err
		}
	}
	// verify's parity join with the work_mem verify sets for it.
	if err := benchReadSide(ctx, c, rep, srv.url(kept), psqlQuery(guideTroubleshooting),
		verifyFloor(psqlQuery("SET work_mem = '256MB'; "+parityJoinCount))); err != nil {
		return nil, err
	}
	if err := benchBackupPostgres(ctx, c, rep, srv.url(kept)); err != nil {
		return nil, err
	}
	return rep, nil
}

// order alternates which side runs first, so neither always gets the
// warmer cache.
func order(round int) []string {
	if round%2 == 0 {
		return []string{"baseline", "dhmig"}
	}
	return []string{"dhmig", "baseline"}
}

// migrateArgs is the measured dhmig command.
func migrateArgs(url, work string) []string {
	return []string{"--database-url", url, "--no-progress", "--quiet", "migrate-users", "--execute",
		"--rejects", filepath.Join(work, "rejects.ndjson")}
}

// pgPrefill puts users that are not in the legacy table into auth_users, so
// the copy cannot take the empty-table path.
const pgPrefill = `INSERT INTO auth_users (email, username, password_hash, status)
SELECT 'existing' || n || '@example.org', 'existing' || n, ?, 'active' FROM generate_series(1, 10000) AS n`

// smallRunPostgres migrates c.smallRows users in each round and returns
// dhmig's samples: their peak RSS is the memory comparison's.
func smallRunPostgres(ctx context.Context, c benchConfig, srv *pgServer, pid int) (*series, error) {
	src := fmt.Sprintf("dhmig_bench_small_%d", pid)
	if err := srv.create(ctx, src, ""); err != nil {
		return nil, err
	}
	if _, _, err := runTimed(ctx, nil, c.legacygen, "--database-url", srv.url(src), "--rows", fmt.Sprint(c.smallRows), "--null-hash-share", "0"); err != nil {
		return nil, err
	}
	var s series
	for round := 0; round < c.rounds; round++ {
		name := fmt.Sprintf("%s_%d", src, round)
		if err := srv.create(ctx, name, src); err != nil {
			return nil, err
		}
		if _, _, err := runTimed(ctx, nil, c.dhmig, "--database-url", srv.url(name), "schema", "up"); err != nil {
			return nil, err
		}
		x, _, err := runTimed(ctx, nil, c.dhmig, migrateArgs(srv.url(name), c.work)...)
		if err != nil {
			return nil, err
		}
		s.add(x)
		srv.drop(ctx, name)
	}
	return &s, nil
}
