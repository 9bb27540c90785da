package schema

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
	sqlfiles "github.com/dhafnckmcp/dhmig/sql"
)

// Migrator applies and reverts one target's migrations on one dialect.
type Migrator struct {
	dialect    database.Core
	migrations []Migration
	historyDDL string
	// users is the target's user table: when it was adopted, the rows
	// dhmig_user_map points at are all dhmig may remove from it.
	users string
	now   func() time.Time
}

// Step is one migration applied or reverted.
type Step struct {
	Version    int    `json:"version"`
	Name       string `json:"name"`
	Direction  string `json:"direction"`
	DurationMS int64  `json:"duration_ms"`
	// Adopted are the existing tables an up step adopted instead of
	// creating them.
	Adopted []string `json:"adopted,omitempty"`
	// Kept are the adopted tables a down step left in place, and
	// RowsRemoved the users dhmig had migrated into them that it deleted.
	Kept        []string `json:"kept,omitempty"`
	RowsRemoved int64    `json:"rows_removed,omitempty"`
}

// New returns a migrator over the guide target's embedded SQL files.
func New(d database.Core) (*Migrator, error) { return NewFor(d, target.Guide) }

// NewFor returns a migrator over the embedded SQL files of target p.
func NewFor(d database.Core, p *target.Profile) (*Migrator, error) {
	fsys := fs.FS(sqlfiles.FS)
	if p.SQLDir != "" {
		sub, err := fs.Sub(sqlfiles.FS, p.SQLDir)
		if err != nil {
			return nil, fmt.Errorf("schema files of target %s: %w", p.Name, err)
		}
		fsys = sub
	}
	migs, history, err := Load(fsys, string(d.Kind()))
	if err != nil {
		return nil, err
	}
	if history == "" {
		// dhmig's history tables are the same for every target: one
		// history.sql per engine, in the guide's set.
		b, err := fs.ReadFile(sqlfiles.FS, string(d.Kind())+"/history.sql")
		if err != nil {
			return nil, fmt.Errorf("read %s/history.sql: %w", d.Kind(), err)
		}
		history = string(b)
	}
	return &Migrator{dialect: d, migrations: migs, historyDDL: history, users: p.Users, now: time.Now}, nil
}

// NewFromFS returns a migrator over fsys/<dialect kind>/, for the guide
// target's tables.
func NewFromFS(fsys fs.FS, d database.Core) (*Migrator, error) {
	migs, history, err := Load(fsys, string(d.Kind()))
	if err != nil {
		return nil, err
	}
	if history == "" {
		return nil, fmt.Errorf("read %s/history.sql: %w", d.Kind(), fs.ErrNotExist)
	}
	return &Migrator{dialect: d, migrations: migs, historyDDL: history, users: target.Guide.Users, now: time.Now}, nil
}

// Migrations lists every known version in order.
func (m *Migrator) Migrations() []Migration { return append([]Migration(nil), m.migrations...) }

// Latest is the highest known version.
func (m *Migrator) Latest() int {
	if len(m.migrations) == 0 {
		return 0
	}
	return m.migrations[len(m.migrations)-1].Version
}

func (m *Migrator) ensureHistory(ctx context.Context, ex database.Executor) error {
	if _, err := ex.ExecContext(ctx, m.historyDDL); err != nil {
		return fmt.Errorf("create %s (%s/history.sql): %w", HistoryTable, m.dialect.Kind(), err)
	}
	return nil
}

// apply runs mig.Up and records it. A table the file creates that already
// exists is adopted (its shape checked, recorded in dhmig_adopted_objects)
// and its statements skipped, so that the file's CREATE TABLE IF NOT EXISTS
// never passes an application's table off as dhmig's.
func (m *Migrator) apply(ctx context.Context, ex database.Executor, mig Migration) (Step, error) {
	start := m.now()
	stmts := parseStatements(mig.Up)
	skip, adopted, err := m.adopt(ctx, ex, mig, stmts)
	if err != nil {
		return Step{}, err
	}
	if len(adopted) == 0 {
		if _, err := ex.ExecContext(ctx, mig.Up); err != nil {
			return Step{}, fmt.Errorf("apply %s: %w", mig.UpFile, err)
		}
	} else {
		for i, s := range stmts {
			if skip[i] {
				continue
			}
			if _, err := ex.ExecContext(ctx, s.text); err != nil {
				return Step{}, fmt.Errorf("apply %s: %w", mig.UpFile, err)
			}
		}
	}
	d := m.now().Sub(start)
	if err := m.record(ctx, ex, mig, start, d); err != nil {
		return Step{}, err
	}
	return Step{Version: mig.Version, Name: mig.Name, Direction: "up", DurationMS: d.Milliseconds(), Adopted: adopted}, nil
}

func (m *Migrator) revert(ctx context.Context, ex database.Executor, mig Migration) (Step, error) {
	start := m.now()
	step := Step{Version: mig.Version, Name: mig.Name, Direction: "down"}
	adopted, err := m.Adopted(ctx, ex)
	if err != nil {
		return Step{}, err
	}
	if len(adopted) == 0 {
		if _, err := ex.ExecContext(ctx, mig.Down); err != nil {
			return Step{}, fmt.Errorf("revert %s: %w", mig.DownFile, err)
		}
	} else if err := m.revertAdopted(ctx, ex, mig, adopted, &step); err != nil {
		return Step{}, err
	}
	if err := m.forget(ctx, ex, mig.Version); err != nil {
		return Step{}, err
	}
	step.DurationMS = m.now().Sub(start).Milliseconds()
	return step, nil
}

// nextUp is the first known migration not yet applied, if any.
func (m *Migrator) nextUp(ctx context.Context, q sqlx.QueryerContext) (*Migration, error) {
	applied, err := m.applied(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := m.sameTarget(applied); err != nil {
		return nil, err
	}
	for i := range m.migrations {
		if _, ok := applied[m.migrations[i].Version]; !ok {
			return &m.migrations[i], nil
		}
	}
	return nil, nil
}

// nextDown is the highest applied version above to, if any.
func (m *Migrator) nextDown(ctx context.Context, q sqlx.QueryerContext, to int) (*Migration, int, error) {
	applied, err := m.applied(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	if err := m.sameTarget(applied); err != nil {
		return nil, 0, err
	}
	top := -1
	for v := range applied {
		if v > to && v > top {
			top = v
		}
	}
	if top < 0 {
		return nil, len(applied), nil
	}
	for i := range m.migrations {
		if m.migrations[i].Version == top {
			return &m.migrations[i], len(applied), nil
		}
	}
	return nil, 0, fmt.Errorf("version %04d is applied but dhmig has no file for it: revert it by hand or use the dhmig that applied it", top)
}

// Up applies every pending migration on ex, which the caller commits or
// rolls back (migrate runs it inside its single transaction).
func (m *Migrator) Up(ctx context.Context, ex database.Executor) ([]Step, error) {
	if err := m.ensureHistory(ctx, ex); err != nil {
		return nil, err
	}
	var steps []Step
	for {
		next, err := m.nextUp(ctx, ex)
		if err != nil || next == nil {
			return steps, err
		}
		s, err := m.apply(ctx, ex, *next)
		if err != nil {
			return steps, err
		}
		steps = append(steps, s)
	}
}

// UpEach applies pending migrations one transaction per file, each with its
// history row, re-reading the history inside each transaction so that a
// concurrent run never applies a file twice.
func (m *Migrator) UpEach(ctx context.Context, db *sqlx.DB) ([]Step, error) {
	var steps []Step
	for {
		s, done, err := m.inTx(ctx, db, func(tx *sqlx.Tx) (*Step, error) {
			if err := m.ensureHistory(ctx, tx); err != nil {
				return nil, err
			}
			next, err := m.nextUp(ctx, tx)
			if err != nil || next == nil {
				return nil, err
			}
			s, err := m.apply(ctx, tx, *next)
			return &s, err
		})
		if err != nil || done {
			return steps, err
		}
		steps = append(steps, *s)
	}
}

// Down reverts applied migrations above version to (0 = all) on ex. When
// nothing remains applied it drops the history table too.
func (m *Migrator) Down(ctx context.Context, ex database.Executor, to int) ([]Step, error) {
	var steps []Step
	for {
		s, done, err := m.downOne(ctx, ex, to)
		if err != nil || done {
			return steps, err
		}
		steps = append(steps, *s)
	}
}

// DownEach reverts like Down, one transaction per file.
func (m *Migrator) DownEach(ctx context.Context, db *sqlx.DB, to int) ([]Step, error) {
	var steps []Step
	for {
		s, done, err := m.inTx(ctx, db, func(tx *sqlx.Tx) (*Step, error) {
			s, _, err := m.downOne(ctx, tx, to)
			return s, err
		})
		if err != nil || done {
			return steps, err
		}
		steps = append(steps, *s)
	}
}

func (m *Migrator) downOne(ctx context.Context, ex database.Executor, to int) (*Step, bool, error) {
	next, n, err := m.nextDown(ctx, ex, to)
	if err != nil {
		return nil, true, err
	}
	if next == nil {
		if n == 0 && to == 0 {
			if exists, err := m.historyExists(ctx, ex); err != nil || !exists {
				return nil, true, err
			}
			if err := m.dropHistory(ctx, ex); err != nil {
				return nil, true, err
			}
		}
		return nil, true, nil
	}
	s, err := m.revert(ctx, ex, *next)
	if err != nil {
		return nil, true, err
	}
	if n == 1 && to == 0 {
		if err := m.dropHistory(ctx, ex); err != nil {
			return nil, true, err
		}
	}
	return &s, false, nil
}

// dropHistory removes dhmig's last bookkeeping once no version is applied:
// the history and the record of adoptions (empty by then: each version's
// revert forgets what it adopted).
func (m *Migrator) dropHistory(ctx context.Context, ex database.Executor) error {
	for _, t := range []string{AdoptedTable, HistoryTable} {
		if _, err := ex.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return fmt.Errorf("drop %s: %w", t, err)
		}
	}
	return nil
}

// inTx runs fn in its own transaction; a nil step means nothing was left to do.
func (m *Migrator) inTx(ctx context.Context, db *sqlx.DB, fn func(*sqlx.Tx) (*Step, error)) (*Step, bool, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, true, fmt.Errorf("begin: %w", err)
	}
	s, err := fn(tx)
	if err != nil {
		_ = tx.Rollback()
		return nil, true, err
	}
	if err := tx.Commit(); err != nil {
		return nil, true, fmt.Errorf("commit: %w", err)
	}
	return s, s == nil, nil
}
