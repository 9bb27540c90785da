package usermigrate

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// The columns each row of the copy carries (the user table's come from
// the target: userColumns). The columns whose value is the same on every
// row (sharedColumns) travel apart: bound once per statement on SQLite, as
// load defaults in a bulk load on PostgreSQL (COPY then leaves them out),
// appended to each COPY row otherwise.
var (
	mapColumns    = []string{"legacy_id", "user_id", "temp_password", "hash_scheme"}
	rejectColumns = []string{"legacy_id", "code", "field", "run_id"}
)

// userColumns are the user-table columns each migrated row carries: id,
// email, username, password_hash, status, created_at, the verification
// time, and the target's verified flag and password-change time when it
// has them.
func userColumns(p *target.Profile) []string {
	cols := []string{"id", "email", "username", "password_hash", "status", "created_at", p.Columns.VerifiedAt}
	for _, c := range []string{p.Columns.VerifiedFlag, p.Columns.PasswordChangedAt} {
		if c != "" {
			cols = append(cols, c)
		}
	}
	return cols
}

// sharedColumns are the values of the user table's and dhmig_user_map's
// columns that every row of this run gets, as driver values: the default
// role list, the target's fixed values, updated_at.
func (r *runner) sharedColumns(table string) []database.Shared {
	p := r.o.Target
	switch table {
	case p.Users:
		shared := []database.Shared{{Column: "roles", Value: once(r.d.RolesValue([]string{target.DefaultRole}, p.Roles.JSON))}}
		for _, f := range p.Fixed {
			shared = append(shared, database.Shared{Column: f.Column, Value: fixedValue(r.d, f)})
		}
		return append(shared, database.Shared{Column: "updated_at", Value: r.d.AppTimestamp(r.o.Now, p.MicrosAlways)})
	case "dhmig_user_map":
		return []database.Shared{{Column: "migrated_at", Value: r.d.BulkTimestamp(r.o.Now)}, {Column: "run_id", Value: r.o.RunID}}
	}
	return nil
}

// fixedValue encodes a target's fixed value for the dialect.
func fixedValue(d database.Core, f target.Fixed) any {
	switch f.Kind {
	case target.FixedBool:
		return once(d.Bool(f.Bool))
	case target.FixedJSON:
		return f.JSON
	}
	return f.Int
}

// writer holds the inserters of one copy.
type writer struct {
	auth, umap, rejects database.Inserter
}

func (r *runner) newWriter(rejectsTable string, rejectCols []string) (*writer, error) {
	ctx, d, tx := r.ctx, r.d, r.tx
	w := &writer{}
	var err error
	users := r.o.Target.Users
	authShared, mapShared := r.sharedColumns(users), r.sharedColumns("dhmig_user_map")
	if r.defaulted.auth {
		authShared = nil
	}
	if r.defaulted.umap {
		mapShared = nil
	}
	if w.auth, err = d.NewInserter(ctx, tx, r.raw, users, userColumns(r.o.Target), authShared); err != nil {
		return nil, err
	}
	if w.umap, err = d.NewInserter(ctx, tx, r.raw, "dhmig_user_map", mapColumns, mapShared); err != nil {
		w.close()
		return nil, err
	}
	if w.rejects, err = d.NewInserter(ctx, tx, r.raw, rejectsTable, rejectCols, nil); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *writer) close() {
	for _, in := range []database.Inserter{w.auth, w.umap, w.rejects} {
		if in != nil {
			in.Close()
		}
	}
}

// prepare does the client's share of writing a batch ahead, on the
// goroutine that maps it, where the inserters can (PostgreSQL's COPY text),
// so that write only sends it.
func (w *writer) prepare(b *batch) {
	if p, ok := w.auth.(database.Preparer); ok {
		b.authData, b.authReady = p.Prepare(b.authData, b.auth)
	}
	if p, ok := w.umap.(database.Preparer); ok {
		b.mapData, b.mapReady = p.Prepare(b.mapData, b.umap)
	}
}

// write stores a batch's rows.
func (w *writer) write(ctx context.Context, b *batch, users string) error {
	if err := insert(ctx, w.auth, b.auth, b.authData, b.authReady); err != nil {
		return fmt.Errorf("insert into %s: %w", users, err)
	}
	if err := insert(ctx, w.umap, b.umap, b.mapData, b.mapReady); err != nil {
		return fmt.Errorf("insert into dhmig_user_map: %w", err)
	}
	if err := w.rejects.Insert(ctx, b.rejects); err != nil {
		return fmt.Errorf("insert rejected rows: %w", err)
	}
	return nil
}

// insert writes rows, or what in prepared of them when ready.
func insert(ctx context.Context, in database.Inserter, rows [][]any, data []byte, ready bool) error {
	if ready {
		return in.(database.Preparer).InsertPrepared(ctx, data)
	}
	return in.Insert(ctx, rows)
}

// rowMaker turns a mapped row and its decision into the values of its
// user-table and dhmig_user_map rows (userColumns, mapColumns). Values that
// are the same for every row are converted once.
type rowMaker struct {
	d                   valueDialect
	o                   *Options
	p                   *target.Profile
	temps               *password.TempSource
	tempFlag, copiedVal any
	// verified and unverified are the verified flag's values, for a
	// target that has one.
	verified, unverified any
	// setAt is the run's start as the target stores it: when dhmig set
	// the password of a user it gave a new hash.
	setAt      any
	tempScheme string
	width      int
}

func newRowMaker(d valueDialect, o *Options, temps *password.TempSource) *rowMaker {
	k := &rowMaker{d: d, o: o, p: o.Target, temps: temps, tempFlag: once(d.Bool(true)), copiedVal: once(d.Bool(false)),
		verified: once(d.Bool(true)), unverified: once(d.Bool(false)), setAt: d.AppTimestamp(o.Now, o.Target.MicrosAlways),
		tempScheme: "bcrypt_temp", width: len(userColumns(o.Target))}
	if o.DryRun || o.TempPasswords == password.TempSealed {
		k.tempScheme = "bcrypt_sealed"
	}
	return k
}

// once converts a driver.Valuer (say, a PostgreSQL array) to its driver
// value up front, so the driver does not redo it for every row.
func once(v any) any {
	if vr, ok := v.(driver.Valuer); ok {
		if dv, err := vr.Value(); err == nil {
			return dv
		}
	}
	return v
}

// add appends the row's user-table and dhmig_user_map values to b.
func (k *rowMaker) add(ctx context.Context, b *batch, m *mapped, s status) error {
	hash, scheme, temp, changed := m.hash, string(password.SchemeBcrypt), k.copiedVal, any(nil)
	switch s {
	case stTemp, stReset:
		h, err := k.temps.Next(ctx)
		if err != nil {
			return err
		}
		hash, scheme, temp, changed = h, k.tempScheme, k.tempFlag, k.setAt
	case stKeep:
		scheme = string(m.scheme)
	}
	st, verified, flag := k.p.Status.Pending, any(nil), k.unverified
	created := k.d.AppTimestamp(m.createdAt, k.p.MicrosAlways)
	if m.active {
		st, verified, flag = k.p.Status.Active, created, k.verified
	}
	id, err := newUserID(k.d, k.p.IDs)
	if err != nil {
		return err
	}
	a := values(&b.authVals, k.width)
	a[0], a[1], a[2], a[3], a[4], a[5], a[6] = id, m.email, m.username, hash, st, created, verified
	i := 7
	if k.p.Columns.VerifiedFlag != "" {
		a[i], i = flag, i+1 // true exactly when the user is active
	}
	if k.p.Columns.PasswordChangedAt != "" {
		// As the app's password reset does: a kept hash was set by the
		// user before the migration, when (the legacy table does not say).
		a[i] = changed
	}
	u := values(&b.mapVals, len(mapColumns))
	u[0], u[1], u[2], u[3] = m.id, id, temp, scheme
	b.auth = append(b.auth, a)
	b.umap = append(b.umap, u)
	return nil
}

// suspendIndexes drops the indexes and constraints of the tables the copy
// fills when the load dwarfs what they hold, so that each is built once
// after the load; the returned function rebuilds them (a duplicate then
// fails the build). loading is how many rows the copy may write.
//
// auth_users qualifies when it holds less than a fifth of what is loaded
// (empty, or a few accounts made by hand before the first migration): the
// rebuild then costs less than maintaining every index row by row. The
// price is the lock: dropping a constraint locks the table against readers
// until the transaction ends, which an initial migration can afford and an
// incremental catch-up run (few new rows, a live application) does not
// pay. dhmig_user_map qualifies when it is empty.
func (r *runner) suspendIndexes(loading int64) (func(context.Context) error, error) {
	type suspend struct {
		table string
		pk    bool
	}
	var tables []suspend
	if loading > 0 && r.target.authRows*4 < loading && !r.target.usersAdopted {
		// Its primary key too: the ids are UUIDv7, in creation order, so
		// each would land at the end of the index, but keeping the index
		// up row by row still costs more than one (parallel) build at the
		// end (docs/performance.md). The foreign keys that lean on it
		// (dhmig_user_map's, auth_refresh_tokens') are added back,
		// validated, after it.
		// SQLite keeps it in any case.
		tables = append(tables, suspend{r.o.Target.Users, true})
		r.res.BulkLoad = true
	}
	if r.target.mapEmpty && loading > 0 {
		// Legacy ids (text) come in no index order: build the key after.
		tables = append(tables, suspend{"dhmig_user_map", true})
	}
	var restores []func(context.Context) error
	for _, t := range tables {
		restore, err := r.d.SuspendIndexes(r.ctx, r.tx, t.table, t.pk)
		if err != nil {
			return nil, err
		}
		restores = append(restores, restore)
		// The table is held exclusively now: its shared columns can be
		// left to load defaults.
		restore, err = r.d.SetLoadDefaults(r.ctx, r.tx, t.table, r.sharedColumns(t.table))
		switch {
		case errors.Is(err, errors.ErrUnsupported):
			continue
		case err != nil:
			return nil, err
		}
		restores = append(restores, restore)
		switch t.table {
		case r.o.Target.Users:
			r.defaulted.auth = true
		case "dhmig_user_map":
			r.defaulted.umap = true
		}
	}
	return func(ctx context.Context) error {
		built := time.Now()
		for _, restore := range restores {
			if err := restore(ctx); err != nil {
				return fmt.Errorf("build indexes after the load: %w", err)
			}
		}
		if len(restores) > 0 {
			r.o.Logger.Debug("indexes built", "seconds", time.Since(built).Seconds())
		}
		return nil
	}, nil
}

// copy walks the source again after the preflight. It always writes the
// rejects report; with write it also fills auth_users, dhmig_user_map and
// dhmig_rejects.
func (r *runner) copy(cur database.Cursor, concurrent, write bool) error {
	ctx, o := r.ctx, r.o
	total := int64(len(r.st))
	var w *writer
	var k *rowMaker
	restore := func(context.Context) error { return nil }
	if write {
		if _, err := r.tx.ExecContext(ctx, `DELETE FROM dhmig_rejects`); err != nil {
			return fmt.Errorf("clear dhmig_rejects: %w", err)
		}
		var err error
		if restore, err = r.suspendIndexes(r.res.Migrated); err != nil {
			return err
		}
		if w, err = r.newWriter("dhmig_rejects", rejectColumns); err != nil {
			return err
		}
		defer w.close()
		mode := o.TempPasswords
		if o.DryRun {
			mode = password.TempSealed
		}
		temps, err := password.NewTempSource(ctx, mode, o.BcryptCost, r.temps, o.Workers)
		if err != nil {
			return err
		}
		defer temps.Close()
		k = newRowMaker(r.d, o, temps)
	}

	var ord int64
	work := func(b *batch) error {
		for i := range b.rows {
			row := &b.rows[i]
			if ord >= total {
				return fmt.Errorf("source table %s changed during the run (more rows on the second read): nothing was written", o.SourceTable)
			}
			s := r.st[ord]
			ord++
			m := mapRow(row, o)
			if s.rejected() {
				line := r.rejectLine(row, &m, s)
				if write {
					var id any // a row without an id is recorded too: verify counts it
					if row.ID.Valid {
						id = row.ID.String
					}
					b.rejects = append(b.rejects, []any{id, line.Code, line.Field, o.RunID})
				}
				if err := r.report.write(line); err != nil {
					return err
				}
				continue
			}
			if write {
				if err := k.add(ctx, b, &m, s); err != nil {
					return err
				}
			}
		}
		if write {
			w.prepare(b)
		}
		return nil
	}
	store := func(b *batch) error {
		if write {
			return w.write(ctx, b, o.Target.Users)
		}
		return nil
	}
	err := pipeline(ctx, cur, o.SourceTable, o.BatchSize, concurrent, r.keepFilter(), work, store, func(n int64) error {
		r.progress("copy", n, total)
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if ord != total {
		return fmt.Errorf("source table %s changed during the run (%d rows on the second read, %d on the first)", o.SourceTable, ord, total)
	}
	return restore(ctx)
}

// rejectLine is the report line of a rejected row.
func (r *runner) rejectLine(row *legacyRow, m *mapped, s status) RejectLine {
	line := RejectLine{Code: s.code(), Field: s.field(), ConflictsWith: s.against().conflictsWith(r.o.Target.Users), RunID: r.o.RunID}
	if row.ID.Valid {
		id := row.ID.String
		line.LegacyID = &id
	}
	if s.code() == CodeUnsupportedHash {
		line.HashScheme = string(m.scheme)
	}
	r.o.Logger.Debug("rejected", "legacy_id", row.ID.String, "code", line.Code, "field", line.Field)
	return line
}
