package usermigrate

import (
	"fmt"
	"math"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// keyColumns are stageKeys' columns, in insert order.
var keyColumns = []string{"ord", "email", "username", "created"}

// preflight walks the source once and decides every row: checks that need
// the row alone here, conflicts set-based over the staged keys. It keeps one
// status byte per row.
func (r *runner) preflight(cur database.Cursor, concurrent bool) error {
	ctx, o := r.ctx, r.o
	if err := r.stageAuthKeys(ctx); err != nil {
		return err
	}
	if err := createStage(ctx, r.tx, stageKeys); err != nil {
		return err
	}
	keys, err := r.d.NewInserter(ctx, r.tx, r.raw, stageKeys, keyColumns, nil)
	if err != nil {
		return err
	}
	defer keys.Close()

	total := r.res.RowsRead - r.res.AlreadyMigrated
	r.st = make([]status, 0, max(total, 0))
	var prevID string
	var havePrev bool
	work := func(b *batch) error {
		for i := range b.rows {
			row := &b.rows[i]
			if len(r.st) == math.MaxUint32 {
				return fmt.Errorf("source table %s has more than %d rows to migrate: migrate it in parts", o.SourceTable, math.MaxUint32)
			}
			ord := len(r.st)
			m := mapRow(row, o)
			if havePrev && row.ID.Valid && m.id == prevID {
				// dhmig_user_map could not tell rows sharing an id apart,
				// nor verify prove them: every one of them is rejected.
				if !r.st[ord-1].rejected() {
					r.st[ord-1] = reject(CodeDuplicateID, noSide)
				}
				if m.problem == "" {
					m.problem = CodeDuplicateID
				}
			}
			prevID, havePrev = m.id, row.ID.Valid
			if m.problem != "" {
				r.st = append(r.st, reject(m.problem, noSide))
				continue
			}
			r.st = append(r.st, m.decide(o))
			b.keys = append(b.keys, []any{int64(ord), target.CanonEmail(m.email), target.CanonUsername(m.username), m.createdAt.UnixNano()})
		}
		return nil
	}
	store := func(b *batch) error {
		if err := keys.Insert(ctx, b.keys); err != nil {
			return fmt.Errorf("stage keys: %w", err)
		}
		return nil
	}
	err = pipeline(ctx, cur, o.SourceTable, o.BatchSize, concurrent, r.keepFilter(), work, store, func(n int64) error {
		r.progress("preflight", n, total)
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if err := keys.Close(); err != nil {
		return err
	}
	if err := r.resolveConflicts(ctx); err != nil {
		return err
	}
	for _, t := range []string{stageKeys, stageAuth} {
		if err := dropStage(ctx, r.tx, t); err != nil {
			return err
		}
	}
	return nil
}
