package usermigrate

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/password"
)

// The columns the copy writes.
var (
	authColumns = []string{"id", "email", "username", "password_hash", "status", "roles", "is_locked",
		"failed_login_attempts", "created_at", "updated_at", "verified_at"}
	mapColumns    = []string{"legacy_id", "user_id", "temp_password", "hash_scheme", "migrated_at", "run_id"}
	rejectColumns = []string{"legacy_id", "code", "field", "run_id"}
)

// User statuses the mapping writes.
const (
	StatusActive              = "active"
	StatusPendingVerification = "pending_verification"
)

// writer batches the rows of one copy.
type writer struct {
	auth, umap, rejects database.Inserter
	authRows, mapRows   [][]any
	rejectRows          [][]any
}

// copy walks the source again. It always writes the rejects report; with
// write it also fills auth_users, dhmig_user_map and dhmig_rejects.
func (r *runner) copy(cur database.Cursor, write bool) error {
	ctx, o, d := r.ctx, r.o, r.d
	total := int64(len(r.st))
	var w writer
	var temps *password.TempSource
	if write {
		if _, err := r.tx.ExecContext(ctx, `DELETE FROM dhmig_rejects`); err != nil {
			return fmt.Errorf("clear dhmig_rejects: %w", err)
		}
		if len(r.authEmails) == 0 && r.res.Migrated > 0 {
			// auth_users is empty (and so is dhmig_user_map, which cascades
			// from it): load without indexes, build them once at the end.
			for _, t := range []string{"auth_users", "dhmig_user_map"} {
				restore, err := d.SuspendIndexes(ctx, r.tx, t)
				if err != nil {
					return err
				}
				r.restores = append(r.restores, restore)
			}
			r.res.BulkLoad = true
		}
		var err error
		if w.auth, err = d.NewInserter(ctx, r.tx, "auth_users", authColumns); err != nil {
			return err
		}
		defer w.auth.Close()
		if w.umap, err = d.NewInserter(ctx, r.tx, "dhmig_user_map", mapColumns); err != nil {
			return err
		}
		defer w.umap.Close()
		if w.rejects, err = d.NewInserter(ctx, r.tx, "dhmig_rejects", rejectColumns); err != nil {
			return err
		}
		defer w.rejects.Close()
		mode := o.TempPasswords
		if o.DryRun {
			mode = password.TempSealed
		}
		if temps, err = password.NewTempSource(ctx, mode, o.BcryptCost, r.temps, o.Workers); err != nil {
			return err
		}
		defer temps.Close()
	}

	now := d.Timestamp(o.Now)
	roles := d.Roles([]string{"user"})
	notLocked, tempFlag, copiedFlag := d.Bool(false), d.Bool(true), d.Bool(false)
	tempScheme := "bcrypt_temp"
	if o.DryRun || o.TempPasswords == password.TempSealed {
		tempScheme = "bcrypt_sealed"
	}
	var row legacyRow
	var ord int64
	err := cur.Each(ctx, o.BatchSize, func(rows *sqlx.Rows) error {
		if err := row.scan(rows); err != nil {
			return fmt.Errorf("read %s: %w", o.SourceTable, err)
		}
		if ord >= total {
			return fmt.Errorf("source table %s changed during the run (more rows on the second read): nothing was written", o.SourceTable)
		}
		s := r.st[ord]
		ord++
		m := mapRow(&row, o)
		if s.rejected() {
			return r.rejectRow(&w, &row, &m, s, write)
		}
		if !write {
			return nil
		}
		hash, scheme, temp := m.hash, string(password.SchemeBcrypt), copiedFlag
		switch s {
		case stTemp, stReset:
			h, err := temps.Next(ctx)
			if err != nil {
				return err
			}
			hash, scheme, temp = h, tempScheme, tempFlag
		case stKeep:
			scheme = string(m.scheme)
		}
		st, verified := StatusPendingVerification, any(nil)
		if m.active {
			st, verified = StatusActive, d.Timestamp(m.createdAt)
		}
		userID, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("user id: %w", err)
		}
		w.authRows = append(w.authRows, []any{userID.String(), m.email, m.username, hash, st, roles, notLocked, 0,
			d.Timestamp(m.createdAt), now, verified})
		w.mapRows = append(w.mapRows, []any{m.id, userID.String(), temp, scheme, now, o.RunID})
		return nil
	}, func() error {
		if write {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
		r.progress("copy", ord, total)
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if ord != total {
		return fmt.Errorf("source table %s changed during the run (%d rows on the second read, %d on the first)", o.SourceTable, ord, total)
	}
	built := time.Now()
	defer func() { o.Logger.Debug("indexes built", "seconds", time.Since(built).Seconds()) }()
	for _, restore := range r.restores {
		if err := restore(ctx); err != nil {
			return fmt.Errorf("build indexes after the load: %w", err)
		}
	}
	r.restores = nil
	return nil
}

// rejectRow reports a rejected row and, when writing, queues it for
// dhmig_rejects (a row without an id can only be reported).
func (r *runner) rejectRow(w *writer, row *legacyRow, m *mapped, s status, write bool) error {
	line := RejectLine{Code: s.code(), Field: s.field(), ConflictsWith: s.against(), RunID: r.o.RunID}
	if row.ID.Valid {
		id := row.ID.String
		line.LegacyID = &id
	}
	if s.code() == CodeUnsupportedHash {
		line.HashScheme = string(m.scheme)
	}
	r.o.Logger.Debug("rejected", "legacy_id", row.ID.String, "code", line.Code, "field", line.Field)
	if err := r.report.write(line); err != nil {
		return err
	}
	if write && row.ID.Valid {
		w.rejectRows = append(w.rejectRows, []any{row.ID.String, line.Code, line.Field, r.o.RunID})
	}
	return nil
}

func (w *writer) flush(ctx context.Context) error {
	if err := w.auth.Insert(ctx, w.authRows); err != nil {
		return fmt.Errorf("insert into auth_users: %w", err)
	}
	if err := w.umap.Insert(ctx, w.mapRows); err != nil {
		return fmt.Errorf("insert into dhmig_user_map: %w", err)
	}
	if err := w.rejects.Insert(ctx, w.rejectRows); err != nil {
		return fmt.Errorf("insert into dhmig_rejects: %w", err)
	}
	w.authRows, w.mapRows, w.rejectRows = w.authRows[:0], w.mapRows[:0], w.rejectRows[:0]
	return nil
}
