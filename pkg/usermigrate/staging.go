package usermigrate

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Staging tables: temporary tables of the run's own transaction (private to
// its connection, dropped before Run returns, gone with a rollback) that let
// the database hold what would otherwise grow in dhmig's memory with the
// number of rows.
const (
	// stageKeys holds the canonical email and username of every row the
	// careful preflight could migrate, computed in Go so that the canonical
	// forms are exactly Go's, with created_at and the row's position.
	stageKeys = "dhmig_stage_keys"
	// stageAuth holds the canonical keys of the users already in auth_users.
	stageAuth = "dhmig_stage_auth"
	// stageRejects holds the rows the one-pass copy rejected until it knows
	// it will not be abandoned; then they fill dhmig_rejects and the report.
	stageRejects = "dhmig_stage_rejects"
)

var stageDDL = map[string]string{
	stageKeys:    `(ord BIGINT NOT NULL, email TEXT NOT NULL, username TEXT NOT NULL, created BIGINT NOT NULL)`,
	stageAuth:    `(email TEXT NOT NULL, username TEXT NOT NULL)`,
	stageRejects: `(ord BIGINT NOT NULL, legacy_id TEXT, code TEXT NOT NULL, field TEXT NOT NULL, scheme TEXT NOT NULL)`,
}

// createStage (re)creates a staging table.
func createStage(ctx context.Context, tx *sqlx.Tx, name string) error {
	if err := dropStage(ctx, tx, name); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE `+name+` `+stageDDL[name]); err != nil {
		return fmt.Errorf("create staging table %s: %w", name, err)
	}
	return nil
}

func dropStage(ctx context.Context, tx *sqlx.Tx, name string) error {
	if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+name); err != nil {
		return fmt.Errorf("drop staging table %s: %w", name, err)
	}
	return nil
}

// stageAuthKeys streams the users already in auth_users into stageAuth with
// their canonical keys, indexed for the conflict queries.
func (r *runner) stageAuthKeys(ctx context.Context) error {
	if err := createStage(ctx, r.tx, stageAuth); err != nil {
		return err
	}
	if r.target.authRows == 0 {
		return nil
	}
	ins, err := r.d.NewInserter(ctx, r.tx, r.raw, stageAuth, []string{"email", "username"}, nil)
	if err != nil {
		return err
	}
	defer ins.Close()
	// The auth rows are read in batches by a cursor, so that the inserts
	// can run between them on either engine.
	users := r.o.Target.Users
	cur, err := r.d.OpenCursor(ctx, r.tx, `SELECT email, username FROM `+users)
	if err != nil {
		return fmt.Errorf("read %s: %w", users, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	batch := make([][]any, 0, r.o.BatchSize)
	err = cur.Each(ctx, r.o.BatchSize, func(rows *sqlx.Rows) error {
		var e, u string
		if err := rows.Scan(&e, &u); err != nil {
			return fmt.Errorf("read %s: %w", users, err)
		}
		batch = append(batch, []any{target.CanonEmail(e), target.CanonUsername(u)})
		return nil
	}, func() error {
		err := ins.Insert(ctx, batch)
		batch = batch[:0]
		return err
	})
	if err != nil {
		return fmt.Errorf("stage %s keys: %w", users, err)
	}
	for _, col := range []string{"email", "username"} {
		if _, err := r.tx.ExecContext(ctx, `CREATE INDEX `+stageAuth+`_`+col+` ON `+stageAuth+` (`+col+`)`); err != nil {
			return fmt.Errorf("index staging table: %w", err)
		}
	}
	return nil
}
