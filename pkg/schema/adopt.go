package schema

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// AdoptedTable records the tables and indexes dhmig found already in place
// of ones a version creates (history.sql creates it with the history table).
const AdoptedTable = "dhmig_adopted_objects"

// ErrIncompatibleTable means a table a version would create already exists
// with a shape dhmig cannot write into; nothing was applied.
var ErrIncompatibleTable = errors.New("existing table cannot be adopted")

// The users dhmig migrated are the rows dhmig_user_map points at: when the
// target's user table was adopted they are all dhmig may remove from it.
const userMapTable = "dhmig_user_map"

// Adopted lists the adopted objects of one database, as name → kind
// ("table" or "index"); none when nothing was adopted.
func (m *Migrator) Adopted(ctx context.Context, q sqlx.QueryerContext) (map[string]string, error) {
	return Adopted(ctx, m.dialect, q)
}

// Adopted lists the adopted objects of the database q reads, as name →
// kind ("table" or "index"): the copy asks it whether the user table is
// the app's, whose indexes and defaults it must leave alone.
func Adopted(ctx context.Context, d database.Core, q sqlx.QueryerContext) (map[string]string, error) {
	out := map[string]string{}
	ok, err := database.TableExists(ctx, d, q, AdoptedTable)
	if err != nil || !ok {
		return out, err
	}
	var rows []struct {
		Name string `db:"name"`
		Kind string `db:"kind"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT name, kind FROM `+AdoptedTable); err != nil {
		return nil, fmt.Errorf("read %s: %w", AdoptedTable, err)
	}
	for _, r := range rows {
		out[r.Name] = r.Kind
	}
	return out, nil
}

// adopt finds the tables mig creates that already exist, checks that each
// has the shape mig gives it, and records them and their indexes of the
// same names as adopted. It returns the statements of mig.Up that must not
// run (they would create what exists) and the adopted tables.
func (m *Migrator) adopt(ctx context.Context, ex database.Executor, mig Migration, stmts []statement) (map[int]bool, []string, error) {
	skip := map[int]bool{}
	tables := map[string]bool{}
	var adopted []string
	for i, s := range stmts {
		if s.op != "create table" || !s.ifNotExists {
			continue // a plain CREATE TABLE fails on an existing table by itself
		}
		have, err := m.dialect.Columns(ctx, ex, s.name)
		if err != nil {
			return nil, nil, fmt.Errorf("inspect %s: %w", s.name, err)
		}
		if len(have) == 0 {
			continue
		}
		if problems := shapeProblems(have, s.columns); len(problems) > 0 {
			return nil, nil, fmt.Errorf("%w: %s already exists and %s needs %s; dhmig changes nothing: align the table with `dhmig schema print` or rename it",
				ErrIncompatibleTable, s.name, mig.UpFile, strings.Join(problems, "; "))
		}
		skip[i], tables[s.name] = true, true
		adopted = append(adopted, s.name)
		if err := m.recordAdopted(ctx, ex, s.name, "table", mig.Version); err != nil {
			return nil, nil, err
		}
	}
	for i, s := range stmts {
		if s.op != "create index" || !tables[s.on] {
			continue
		}
		idx, err := m.dialect.Indexes(ctx, ex, s.on)
		if err != nil {
			return nil, nil, fmt.Errorf("inspect indexes of %s: %w", s.on, err)
		}
		for _, ix := range idx {
			if strings.EqualFold(ix.Name, s.name) {
				skip[i] = true
				if err := m.recordAdopted(ctx, ex, s.name, "index", mig.Version); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	return skip, adopted, nil
}

func (m *Migrator) recordAdopted(ctx context.Context, ex database.Executor, name, kind string, version int) error {
	_, err := ex.ExecContext(ctx, ex.Rebind(`INSERT INTO `+AdoptedTable+` (name, kind, version, adopted_at) VALUES (?, ?, ?, ?)`),
		name, kind, version, m.dialect.Timestamp(m.now()))
	if err != nil {
		return fmt.Errorf("record %s %s as adopted: %w", kind, name, err)
	}
	return nil
}

// shapeProblems compares an existing table with the columns a migration
// gives it: every column must exist with a type that takes what dhmig
// writes, and a column of the table's own must not demand a value dhmig
// does not write.
func shapeProblems(have []database.Column, want []targetColumn) []string {
	byName := map[string]database.Column{}
	for _, c := range have {
		byName[strings.ToLower(c.Name)] = c
	}
	wanted := map[string]bool{}
	var problems []string
	for _, w := range want {
		wanted[w.name] = true
		c, ok := byName[w.name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("column %s %s, which is missing", w.name, w.typ))
		case !compatibleType(c.Type, w.typ):
			problems = append(problems, fmt.Sprintf("column %s %s, not %s", w.name, w.typ, c.Type))
		}
	}
	for _, c := range have {
		if !wanted[strings.ToLower(c.Name)] && c.NotNull && c.Default == "" {
			problems = append(problems, fmt.Sprintf("no NOT NULL column without a default beyond its own (%s)", c.Name))
		}
	}
	return problems
}

// revertAdopted runs mig's down file around what was adopted: a table
// dhmig adopted is never dropped; before dhmig_user_map goes, the users it
// maps are deleted from the target's adopted user table (dhmig wrote them, and
// without the map it could no longer tell them from the application's);
// the indexes mig created on an adopted table are dropped.
func (m *Migrator) revertAdopted(ctx context.Context, ex database.Executor, mig Migration, adopted map[string]string, step *Step) error {
	for _, s := range parseStatements(mig.Down) {
		if s.op == "drop table" && adopted[s.name] == "table" {
			step.Kept = append(step.Kept, s.name)
			continue
		}
		if s.op == "drop table" && s.name == userMapTable && adopted[m.users] == "table" {
			n, err := m.removeMigratedUsers(ctx, ex)
			if err != nil {
				return err
			}
			step.RowsRemoved += n
		}
		if _, err := ex.ExecContext(ctx, s.text); err != nil {
			return fmt.Errorf("revert %s: %w", mig.DownFile, err)
		}
	}
	for _, s := range parseStatements(mig.Up) {
		if s.op == "create index" && adopted[s.on] == "table" && adopted[s.name] == "" {
			if _, err := ex.ExecContext(ctx, `DROP INDEX IF EXISTS `+m.dialect.QuoteIdent(s.name)); err != nil {
				return fmt.Errorf("revert %s: drop index %s: %w", mig.DownFile, s.name, err)
			}
		}
	}
	if _, err := ex.ExecContext(ctx, ex.Rebind(`DELETE FROM `+AdoptedTable+` WHERE version = ?`), mig.Version); err != nil {
		return fmt.Errorf("forget objects adopted by version %04d: %w", mig.Version, err)
	}
	sort.Strings(step.Kept)
	return nil
}

func (m *Migrator) removeMigratedUsers(ctx context.Context, ex database.Executor) (int64, error) {
	if ok, err := database.TableExists(ctx, m.dialect, ex, userMapTable); err != nil || !ok {
		return 0, err
	}
	users := m.dialect.QuoteIdent(m.users)
	res, err := ex.ExecContext(ctx, `DELETE FROM `+users+` WHERE id IN (SELECT user_id FROM `+userMapTable+`)`)
	if err != nil {
		return 0, fmt.Errorf("remove the users dhmig migrated into the adopted %s: %w", m.users, err)
	}
	return res.RowsAffected()
}
