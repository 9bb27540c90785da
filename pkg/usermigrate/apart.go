package usermigrate

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// A legacy table in another database (Options.Source, --source-url) is
// read through that database's read-only snapshot, with its own dialect,
// while everything is written in the run's transaction on the target. The
// preflight, the policies, the rejects and the copy are the same; what
// changes is how rows already migrated are left out: the target's
// dhmig_user_map cannot be joined to the source, so the source is read in
// the byte order of its ids as text and merged with the map's legacy ids,
// read in the same order a page at a time (mapFilter). The single-database
// path keeps its join.

// source is where the run reads the legacy table.
type source struct {
	q  sqlx.QueryerContext
	tx *sqlx.Tx // for cursors
	d  sourceDialect
	// apart: another database than the one written.
	apart bool
}

func newSource(tx *sqlx.Tx, d sourceDialect, snap *database.Snapshot) source {
	if snap == nil {
		return source{q: tx, tx: tx, d: d}
	}
	return source{q: snap.Tx, tx: snap.Tx, d: snap.Dialect, apart: true}
}

// buildApartQueries are buildQueries' statements for a source in another
// database: no join with dhmig_user_map. all keeps the single-database
// order (a first migration then decides ties exactly as it would on one
// database); rows, used when dhmig_user_map has rows, is in byte order of
// the id text, the order mapFilter merges in (the rows sharing an id stay
// adjacent either way); ids lists just the ids, in that order.
func buildApartQueries(d queryDialect, o *Options, mixedIDs bool) queries {
	q := buildQueries(d, o, mixedIDs)
	idCol := `s.` + d.QuoteIdent(o.Columns.ID)
	order := ` ORDER BY ` + d.BytewiseSQL(`CAST(`+idCol+` AS TEXT)`)
	q.counts = ""
	q.rows = q.cols + order
	q.ids = `SELECT CAST(` + idCol + ` AS TEXT) FROM ` + d.QuoteIdent(o.SourceTable) + ` s WHERE ` + idCol + ` IS NOT NULL` + order
	return q
}

// countApart counts the source's rows, and those of them already in
// dhmig_user_map by merging the source's ids with the map.
func (r *runner) countApart() error {
	ctx, res := r.ctx, r.res
	if err := r.src.q.QueryRowxContext(ctx, r.q.countAll).Scan(&res.RowsRead, &res.AlreadyMigrated); err != nil {
		return fmt.Errorf("count %s: %w", r.o.SourceTable, err)
	}
	if r.target.mapEmpty {
		return nil
	}
	rows, err := r.src.q.QueryxContext(ctx, r.q.ids)
	if err != nil {
		return fmt.Errorf("read the ids of %s: %w", r.o.SourceTable, err)
	}
	defer rows.Close()
	f := r.newMapFilter()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("read the ids of %s: %w", r.o.SourceTable, err)
		}
		done, err := f.migrated(id)
		if err != nil {
			return err
		}
		if done {
			res.AlreadyMigrated++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the ids of %s: %w", r.o.SourceTable, err)
	}
	return nil
}

// openSource opens a cursor over the rows to migrate and says whether it
// may be read on a goroutine of its own while the transaction writes.
func (r *runner) openSource() (cur database.Cursor, concurrent bool, err error) {
	cur, err = r.src.d.OpenCursor(r.ctx, r.src.tx, r.q.source(r.target.mapEmpty))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", r.o.SourceTable, err)
	}
	// Another database's rows can be read while the transaction writes,
	// unless each row must first be looked up in dhmig_user_map, on the
	// transaction.
	return cur, r.src.apart && r.target.mapEmpty, nil
}

// keepFilter is the pipeline's keep for this run: nil on one database
// (the query left migrated rows out) or into an empty dhmig_user_map.
func (r *runner) keepFilter() func(*legacyRow) (bool, error) {
	if !r.src.apart || r.target.mapEmpty {
		return nil
	}
	f := r.newMapFilter()
	return func(row *legacyRow) (bool, error) {
		if !row.ID.Valid {
			return true, nil
		}
		done, err := f.migrated(row.ID.String)
		return !done, err
	}
}

// mapPage is how many legacy ids of dhmig_user_map mapFilter reads at once
// (a variable so that tests can make pages of a few rows).
var mapPage = 2000

// mapFilter tells, for source ids given in ascending byte order, whether
// dhmig_user_map holds each one. It reads the map on the run's transaction
// in pages starting at the id asked about (keyset queries that end before
// the next write), so it holds one page and skips the map rows no source
// row needs. Ids the run itself adds to the map are those of rows already
// passed: they sort before every id still to come, so a page that sees
// them reaches the same answers.
type mapFilter struct {
	ctx   context.Context
	tx    *sqlx.Tx
	query string
	table string

	page []string
	i    int
	// end: the last page came back short, so no map id is at or after it.
	end  bool
	prev string
	seen bool
}

func (r *runner) newMapFilter() *mapFilter {
	d := r.d
	k := d.BytewiseSQL(`legacy_id`)
	return &mapFilter{ctx: r.ctx, tx: r.tx, table: r.o.SourceTable,
		query: r.tx.Rebind(`SELECT legacy_id FROM dhmig_user_map WHERE ` + k + ` >= ? ORDER BY ` + k +
			fmt.Sprintf(` LIMIT %d`, mapPage))}
}

func (f *mapFilter) migrated(id string) (bool, error) {
	if f.seen && id < f.prev {
		// The merge would miss rows: say so rather than migrate twice.
		return false, fmt.Errorf("the ids of %s do not come in byte order: the source database does not sort text by bytes", f.table)
	}
	f.prev, f.seen = id, true
	for {
		for f.i < len(f.page) && f.page[f.i] < id {
			f.i++
		}
		if f.i < len(f.page) {
			return f.page[f.i] == id, nil
		}
		if f.end {
			return false, nil
		}
		if err := f.fetch(id); err != nil {
			return false, err
		}
	}
}

// fetch reads the page of map ids from id on.
func (f *mapFilter) fetch(from string) error {
	f.page, f.i = f.page[:0], 0
	rows, err := f.tx.QueryxContext(f.ctx, f.query, from)
	if err != nil {
		return fmt.Errorf("read dhmig_user_map: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("read dhmig_user_map: %w", err)
		}
		f.page = append(f.page, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read dhmig_user_map: %w", err)
	}
	f.end = len(f.page) < mapPage
	return nil
}
