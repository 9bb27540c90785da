package usermigrate

import (
	"context"
	"errors"
	"fmt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/password"
)

// The one-pass copy. With --email-case lower every stored email and
// username is its own canonical form, so when the users already in
// auth_users are canonical too, the unique constraints on auth_users see
// exactly the conflicts the preflight would look for: two rows collide in
// the database if and only if they conflict. Clean data can then be read
// once and written as it is read, inside a savepoint; the first sign that
// the careful path is needed abandons the attempt — the savepoint is rolled
// back, so nothing of it stays — and the careful path starts over:
//
//   - a write, or the rebuild of a suspended unique index, collides (a
//     conflict: its winner and losers are only known after reading all);
//   - a row is rejected under a fail policy (nothing may be written);
//   - a bcrypt temporary password is needed (its hashing should start only
//     once the run is known to go through, with the pool sized up front).
//
// Rows rejected for what they hold alone (invalid fields, duplicate ids) do
// not stop it: they wait in a staging table until the pass is done, then
// fill dhmig_rejects and the report, in source order as the careful path
// writes them.

const savepoint = "dhmig_one_pass"

// abandonError stops the one-pass copy; reason is logged.
type abandonError struct{ reason string }

func (e abandonError) Error() string { return "one-pass copy abandoned: " + e.reason }

var stageRejectColumns = []string{"ord", "legacy_id", "code", "field", "scheme"}

// fastPass tries the one-pass copy. done is false when it was abandoned
// (why says for what) and the savepoint rolled back.
func (r *runner) fastPass() (done bool, why string, err error) {
	ctx, tx := r.ctx, r.tx
	// A sibling reader must begin before the savepoint: a snapshot cannot
	// be exported from inside one.
	sib, err := r.openSibling()
	if err != nil {
		return false, "", err
	}
	if sib != nil {
		defer sib.Close(context.WithoutCancel(ctx))
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT `+savepoint); err != nil {
		return false, "", fmt.Errorf("savepoint: %w", err)
	}
	err = r.onePass(sib)
	if err == nil {
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT `+savepoint); err != nil {
			return false, "", fmt.Errorf("release savepoint: %w", err)
		}
		return true, "", nil
	}
	var ab abandonError
	switch {
	case errors.As(err, &ab):
		why = ab.reason
	case r.d.IsConstraintError(err):
		why = "rows collide (conflicts to resolve)"
		r.o.Logger.Debug("collision", "error", err.Error())
	default:
		return false, "", err
	}
	// Back to before the attempt: its writes, dropped indexes, load
	// defaults and staging table go, and on PostgreSQL the transaction is
	// usable again.
	r.defaulted = defaulted{}
	rb := context.WithoutCancel(ctx)
	if _, err := tx.ExecContext(rb, `ROLLBACK TO SAVEPOINT `+savepoint); err != nil {
		return false, "", fmt.Errorf("roll back the one-pass attempt: %w", err)
	}
	if _, err := tx.ExecContext(rb, `RELEASE SAVEPOINT `+savepoint); err != nil {
		return false, "", fmt.Errorf("release savepoint: %w", err)
	}
	return false, why, nil
}

// openSibling opens a cursor over the source on a second connection that
// shares the transaction's snapshot, when there is a pool to take it from,
// the dialect has such a thing and the source query reads nothing the run
// writes (an empty dhmig_user_map). nil: read on the transaction.
func (r *runner) openSibling() (database.Cursor, error) {
	if r.pool == nil || !r.target.mapEmpty || r.src.apart {
		return nil, nil // apart: the source is another database's already
	}
	cur, err := r.d.OpenSiblingCursor(r.ctx, r.tx, r.pool, r.q.all)
	switch {
	case err == nil:
		r.o.Logger.Debug("reading the source on a sibling connection")
		return cur, nil
	case errors.Is(err, errors.ErrUnsupported):
		return nil, nil
	case errors.Is(err, database.ErrNoSibling):
		// The transaction is intact: read on it instead.
		r.o.Logger.Debug("reading the source on the writing connection", "reason", err.Error())
		return nil, nil
	}
	return nil, fmt.Errorf("read %s: %w", r.o.SourceTable, err)
}

// onePass copies in one pass, reading sib when it is set.
func (r *runner) onePass(sib database.Cursor) error {
	ctx, o, d, tx, res := r.ctx, r.o, r.d, r.tx, r.res
	total := res.RowsRead - res.AlreadyMigrated
	if _, err := tx.ExecContext(ctx, `DELETE FROM dhmig_rejects`); err != nil {
		return fmt.Errorf("clear dhmig_rejects: %w", err)
	}
	if err := createStage(ctx, tx, stageRejects); err != nil {
		return err
	}
	// On SQLite indexes can only be dropped while no read is open: before
	// the cursor, rebuilt after it is done.
	restore, err := r.suspendIndexes(total)
	if err != nil {
		return err
	}
	w, err := r.newWriter(stageRejects, stageRejectColumns)
	if err != nil {
		return err
	}
	defer w.close()
	var temps *password.TempSource
	if o.DryRun || o.TempPasswords == password.TempSealed {
		if temps, err = password.NewTempSource(ctx, password.TempSealed, o.BcryptCost, 0, o.Workers); err != nil {
			return err
		}
		defer temps.Close()
	}
	k := newRowMaker(d, o, temps)
	cur, concurrent := sib, sib != nil
	if cur == nil {
		// An abandoned attempt's cursor on the transaction goes with the
		// savepoint; one on another database is closed here.
		if cur, concurrent, err = r.openSource(); err != nil {
			return err
		}
		if r.src.apart {
			defer cur.Close(context.WithoutCancel(ctx))
		}
	}

	var ord int64
	var prevID string
	var havePrev bool
	work := func(b *batch) error {
		for i := range b.rows {
			row := &b.rows[i]
			ord++
			m := mapRow(row, o)
			if havePrev && row.ID.Valid && m.id == prevID {
				// Every row sharing an id is rejected, the one before
				// this too, which may be written already.
				return abandonError{"rows share a legacy id"}
			}
			prevID, havePrev = m.id, row.ID.Valid
			if m.problem != "" {
				s := reject(m.problem, noSide)
				if fatal(s.code(), o.OnConflict, o.UnsupportedHash) {
					return abandonError{"rows rejected under a fail policy"}
				}
				r.count(s)
				var id any
				if row.ID.Valid {
					id = row.ID.String
				}
				b.rejects = append(b.rejects, []any{ord, id, s.code(), s.field(), string(m.scheme)})
				continue
			}
			s := m.decide(o)
			if (s == stTemp || s == stReset) && temps == nil {
				return abandonError{"bcrypt temporary passwords to hash"}
			}
			r.count(s)
			if err := k.add(ctx, b, &m, s); err != nil {
				return err
			}
		}
		w.prepare(b)
		return nil
	}
	err = pipeline(ctx, cur, o.SourceTable, o.BatchSize, concurrent, r.keepFilter(), work, func(b *batch) error { return w.write(ctx, b, o.Target.Users) },
		func(n int64) error {
			r.progress("copy", n, total)
			return ctx.Err()
		})
	if err != nil {
		return err
	}
	if sib == nil && !r.src.apart {
		if err := cur.Close(ctx); err != nil {
			return fmt.Errorf("close cursor: %w", err)
		}
	}
	w.close()
	if err := restore(ctx); err != nil {
		return err
	}
	if err := r.finishRejects(ctx); err != nil {
		return err
	}
	r.finishCounts()
	res.BulkLoad = res.BulkLoad && res.Migrated > 0
	r.setOutcome()
	return nil
}

// finishRejects moves the staged rejects into dhmig_rejects and the report.
func (r *runner) finishRejects(ctx context.Context) error {
	tx, o := r.tx, r.o
	if r.res.Rejected > 0 {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO dhmig_rejects (legacy_id, code, field, run_id)
			SELECT legacy_id, code, field, ? FROM `+stageRejects+` ORDER BY ord`), o.RunID); err != nil {
			return fmt.Errorf("insert into dhmig_rejects: %w", err)
		}
		rows, err := tx.QueryxContext(ctx, `SELECT legacy_id, code, scheme FROM `+stageRejects+` ORDER BY ord`)
		if err != nil {
			return fmt.Errorf("read staged rejects: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var row legacyRow
			var code, scheme string
			if err := rows.Scan(&row.ID, &code, &scheme); err != nil {
				return fmt.Errorf("read staged rejects: %w", err)
			}
			if err := r.report.write(r.rejectLine(&row, &mapped{scheme: password.Scheme(scheme)}, reject(code, noSide))); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read staged rejects: %w", err)
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return dropStage(ctx, tx, stageRejects)
}
