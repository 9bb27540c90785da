package usermigrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/password"
)

// sealedHint is the estimated bcrypt time above which the result says
// sealed temporary passwords would save a noticeable wait.
const sealedHint = 10 * time.Second

// Run migrates the legacy rows not yet in dhmig_user_map into auth_users on
// ex, which must be a transaction (*sqlx.Tx) the caller owns: Run never
// begins, commits or rolls back. It streams the source twice: a preflight
// that classifies every row, then the copy.
//
// When a fail policy rejects rows, Run writes only the rejects report and
// returns the Result with an error wrapping ErrRejected (exit 3); the
// database is untouched. A missing auth schema returns ErrNoSchema. Any
// other error leaves the transaction in an unknown state: roll it back.
func Run(ctx context.Context, ex database.Executor, d database.Dialect, opts Options) (Result, error) {
	start := time.Now()
	if err := opts.normalize(); err != nil {
		return Result{}, err
	}
	if opts.RunID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return Result{}, fmt.Errorf("run id: %w", err)
		}
		opts.RunID = id.String()
	}
	tx, ok := ex.(*sqlx.Tx)
	if !ok {
		return Result{}, fmt.Errorf("usermigrate.Run needs a transaction (*sqlx.Tx), got %T: the copy is all-or-nothing", ex)
	}
	res := Result{
		RunID: opts.RunID, DryRun: opts.DryRun, SourceTable: opts.SourceTable, RejectedByCode: map[string]int64{},
		OnConflict: opts.OnConflict, UnsupportedHash: opts.UnsupportedHash, EmailCase: opts.EmailCase,
		TempMode: string(opts.TempPasswords), BcryptCost: opts.BcryptCost,
	}
	r := &runner{ctx: ctx, tx: tx, d: d, o: &opts, res: &res, keys: newKeyer(), report: newReportWriter(opts.Rejects)}
	err := r.run()
	res.DurationSeconds = time.Since(start).Seconds()
	if considered := res.Migrated + res.Rejected; res.DurationSeconds > 0 {
		res.RowsPerSecond = math.Round(float64(considered) / res.DurationSeconds)
	}
	if ferr := r.report.flush(); err == nil {
		err = ferr
	}
	if errors.Is(err, context.Canceled) {
		res.Outcome = OutcomeCancelled
	}
	return res, err
}

// runner holds one run's state.
type runner struct {
	ctx    context.Context
	tx     *sqlx.Tx
	d      database.Dialect
	o      *Options
	res    *Result
	keys   keyer
	report *reportWriter

	q          queries
	authEmails []uint64
	authUsers  []uint64
	st         []status // per source position
	fatal      int64    // rejections that stop the run
	restores   []func(context.Context) error
	temps      int64 // rows that need a temporary password
}

func (r *runner) progress(phase string, done, total int64) {
	if r.o.Progress != nil {
		r.o.Progress(Progress{Phase: phase, Done: done, Total: total})
	}
}

func (r *runner) run() error {
	ctx, o, res := r.ctx, r.o, r.res
	if err := checkSchema(ctx, r.d, r.tx); err != nil {
		return err
	}
	if err := checkSource(ctx, r.d, r.tx, o); err != nil {
		return err
	}
	r.q = buildQueries(r.d, o)
	if err := r.tx.QueryRowxContext(ctx, r.q.counts).Scan(&res.RowsRead, &res.AlreadyMigrated); err != nil {
		return fmt.Errorf("count %s: %w", o.SourceTable, err)
	}
	var err error
	if r.authEmails, r.authUsers, err = authKeys(ctx, r.tx, r.keys); err != nil {
		return err
	}
	o.Logger.Debug("preflight", "source", o.SourceTable, "rows", res.RowsRead,
		"already_migrated", res.AlreadyMigrated, "auth_users", len(r.authEmails))

	query := r.q.rows
	if len(r.authEmails) == 0 {
		// dhmig_user_map cascades from auth_users, so it is empty too; the
		// cursor must not touch it, or PostgreSQL refuses to suspend its
		// indexes for the bulk load.
		query = r.q.all
	}
	cur, err := r.d.OpenCursor(ctx, r.tx, query)
	if err != nil {
		return fmt.Errorf("read %s: %w", o.SourceTable, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))

	phase := time.Now()
	if err := r.preflight(cur); err != nil {
		return err
	}
	r.tally()
	o.Logger.Debug("preflight done", "rows", len(r.st), "rejected", res.Rejected, "seconds", time.Since(phase).Seconds())
	phase = time.Now()
	defer func() { o.Logger.Debug("copy done", "seconds", time.Since(phase).Seconds()) }()
	if r.fatal > 0 {
		res.Outcome = OutcomeRejected
		if err := r.copy(cur, false); err != nil {
			return err
		}
		return fmt.Errorf("%w: %d of %d rows (%s); nothing was written — see the rejects report, fix the data or choose --on-conflict skip / --unsupported-hash reset|keep",
			ErrRejected, res.Rejected, res.RowsRead-res.AlreadyMigrated, codeSummary(res.RejectedByCode))
	}
	if err := r.copy(cur, true); err != nil {
		return err
	}
	res.Outcome = OutcomeMigrated
	if res.Migrated == 0 {
		res.Outcome = OutcomeNothing
	}
	return nil
}

// preflight walks the source once and decides every row.
func (r *runner) preflight(cur database.Cursor) error {
	total := r.res.RowsRead - r.res.AlreadyMigrated
	entries := make([]entry, 0, max(total, 0))
	r.st = make([]status, 0, max(total, 0))
	var row legacyRow
	var prevID string
	var havePrev bool
	err := cur.Each(r.ctx, r.o.BatchSize, func(rows *sqlx.Rows) error {
		if err := row.scan(rows); err != nil {
			return fmt.Errorf("read %s: %w", r.o.SourceTable, err)
		}
		if len(r.st) == math.MaxUint32 {
			return fmt.Errorf("source table %s has more than %d rows to migrate: migrate it in parts", r.o.SourceTable, math.MaxUint32)
		}
		ord := uint32(len(r.st))
		m := mapRow(&row, r.o)
		if m.problem == "" && havePrev && m.id == prevID {
			m.problem = CodeDuplicateID
		}
		prevID, havePrev = m.id, row.ID.Valid
		if m.problem != "" {
			r.st = append(r.st, reject(m.problem, ""))
			return nil
		}
		r.st = append(r.st, m.decide(r.o))
		entries = append(entries, entry{email: r.keys.email(m.email), username: r.keys.username(m.username),
			created: m.createdAt.UnixNano(), ord: ord})
		return nil
	}, func() error {
		r.progress("preflight", int64(len(r.st)), total)
		return r.ctx.Err()
	})
	if err != nil {
		return err
	}
	resolveConflicts(entries, r.st, r.authEmails, r.authUsers, r.o.OnConflict)
	return nil
}

// tally fills the result's counts from the decisions.
func (r *runner) tally() {
	res, o := r.res, r.o
	for _, s := range r.st {
		switch {
		case s.rejected():
			res.Rejected++
			res.RejectedByCode[s.code()]++
			if fatal(s.code(), o.OnConflict, o.UnsupportedHash) {
				r.fatal++
			}
		case s == stTemp || s == stReset:
			res.Migrated++
			r.temps++
		case s == stKeep:
			res.Migrated++
			res.KeptUnsupported++
		default:
			res.Migrated++
		}
	}
	res.TempPasswords = r.temps
	if o.TempPasswords == password.TempBcrypt && r.temps > 0 {
		est := password.EstimateBcrypt(o.BcryptCost, r.temps, o.Workers)
		res.EstimatedHashingSeconds = math.Round(est.Seconds()*10) / 10
		res.SealedWouldSave = est >= sealedHint
		res.HashingSimulated = o.DryRun
		o.Logger.Info("temporary passwords", "count", r.temps, "cost", o.BcryptCost,
			"estimated", est.Round(time.Second).String(), "simulated", o.DryRun)
	}
}

func codeSummary(by map[string]int64) string {
	var parts []string
	for _, c := range Codes() {
		if n := by[c]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, n))
		}
	}
	return strings.Join(parts, ", ")
}
