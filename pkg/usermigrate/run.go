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

	"github.com/dhafnckmcp/dhmig/pkg/audit"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/password"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
)

// sealedHint is the estimated bcrypt time above which the result says
// sealed temporary passwords would save a noticeable wait.
const sealedHint = 10 * time.Second

// Run migrates the legacy rows not yet in dhmig_user_map into auth_users in
// the write session's transaction, which the caller owns: Run never
// begins, commits or rolls back. The one-pass copy into an empty
// dhmig_user_map reads the source beside the transaction on another
// connection of the session's pool (PostgreSQL), and PostgreSQL's COPY
// data goes straight to the session's connection. Clean data is migrated in one streaming
// pass (see fast.go); data with conflicts, fail-policy rejections or bcrypt
// temporary passwords takes the careful path: a preflight that classifies
// every row, then the copy.
//
// When a fail policy rejects rows, Run writes only the rejects report and
// returns the Result with an error wrapping ErrRejected (exit 3); the
// database is untouched. A missing auth schema returns ErrNoSchema. Any
// other error leaves the transaction in an unknown state: roll it back.
func Run(ctx context.Context, w *database.WriteSession, opts Options) (Result, error) {
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
	tx, d := w.Tx(), w.Dialect()
	res := Result{
		RunID: opts.RunID, DryRun: opts.DryRun, SourceTable: opts.SourceTable, RejectedByCode: map[string]int64{},
		OnConflict: opts.OnConflict, UnsupportedHash: opts.UnsupportedHash, EmailCase: opts.EmailCase,
		TempMode: string(opts.TempPasswords), BcryptCost: opts.BcryptCost,
	}
	r := &runner{ctx: ctx, tx: tx, raw: w.Raw(), pool: w.Pool(), d: d, o: &opts, res: &res, report: newReportWriter(opts.Rejects),
		src: newSource(tx, d, opts.Source)}
	err := r.run()
	res.DurationSeconds = time.Since(start).Seconds()
	if considered := res.Migrated + res.Rejected; res.DurationSeconds > 0 {
		res.RowsPerSecond = math.Round(float64(considered) / res.DurationSeconds)
	}
	if ferr := r.report.flush(); err == nil {
		err = ferr
	}
	if errors.Is(err, context.Canceled) {
		res.Outcome = audit.OutcomeCancelled
	}
	return res, err
}

// runner holds one run's state.
type runner struct {
	ctx    context.Context
	tx     *sqlx.Tx
	raw    database.RawConn  // the connection tx runs on
	pool   database.Beginner // where a reader beside tx connects
	d      copyDialect
	o      *Options
	res    *Result
	report *reportWriter
	src    source // where the legacy table is read (apart.go)

	q         queries
	target    targetState
	defaulted defaulted // the tables whose shared columns load defaults fill
	st        []status  // per source position (careful path only): 1 byte a row
	fatal     int64     // rejections that stop the run
	temps     int64     // rows that need a temporary password
}

// defaulted says which tables have their shared columns (sharedColumns) as
// load defaults for this run: their inserters leave them out.
type defaulted struct{ auth, umap bool }

func (r *runner) progress(phase string, done, total int64) {
	if r.o.Progress != nil {
		r.o.Progress(Progress{Phase: phase, Done: done, Total: total})
	}
}

func (r *runner) run() error {
	ctx, o, res := r.ctx, r.o, r.res
	if err := checkSchema(ctx, r.d, r.tx, o.Target); err != nil {
		return err
	}
	if err := checkSource(ctx, r.src.d, r.src.q, o); err != nil {
		return err
	}
	mixed, err := r.src.d.MixedTypes(ctx, r.src.q, o.SourceTable, o.Columns.ID)
	if err != nil {
		return fmt.Errorf("read the ids of %s: %w", o.SourceTable, err)
	}
	if r.target, err = readTarget(ctx, r.tx, o.Target.Users); err != nil {
		return err
	}
	adopted, err := schema.Adopted(ctx, r.d, r.tx)
	if err != nil {
		return err
	}
	// An adopted user table is the app's: the copy never drops its indexes
	// or changes its defaults, even for the length of a transaction.
	r.target.usersAdopted = adopted[o.Target.Users] == "table"
	if r.src.apart {
		r.q = buildApartQueries(r.src.d, o, mixed)
		if err := r.countApart(); err != nil {
			return err
		}
	} else {
		r.q = buildQueries(r.d, o, mixed)
		count := r.q.counts
		if r.target.mapEmpty {
			count = r.q.countAll
		}
		if err := r.tx.QueryRowxContext(ctx, count).Scan(&res.RowsRead, &res.AlreadyMigrated); err != nil {
			return fmt.Errorf("count %s: %w", o.SourceTable, err)
		}
	}
	o.Logger.Debug("preflight", "source", o.SourceTable, "rows", res.RowsRead,
		"already_migrated", res.AlreadyMigrated, "auth_users", r.target.authRows, "auth_canonical", r.target.canonical)

	if o.EmailCase == EmailLower && r.target.canonical {
		phase := time.Now()
		done, why, err := r.fastPass()
		if err != nil {
			return err
		}
		if done {
			o.Logger.Debug("one-pass copy done", "seconds", time.Since(phase).Seconds())
			return nil
		}
		o.Logger.Debug("one-pass copy abandoned, taking the careful path", "reason", why, "seconds", time.Since(phase).Seconds())
		r.resetCounts()
	}
	return r.careful()
}

// careful is the two-pass path: a preflight that decides every row (its
// keys go to a temporary table where conflicts are found set-based), then a
// copy that writes what was decided, or only the report when a fail policy
// rejected rows.
func (r *runner) careful() error {
	o, res := r.o, r.res
	cur, concurrent, err := r.openSource()
	if err != nil {
		return err
	}
	defer cur.Close(context.WithoutCancel(r.ctx))

	phase := time.Now()
	if err := r.preflight(cur, concurrent); err != nil {
		return err
	}
	r.tally()
	o.Logger.Debug("preflight done", "rows", len(r.st), "rejected", res.Rejected, "seconds", time.Since(phase).Seconds())
	phase = time.Now()
	defer func() { o.Logger.Debug("copy done", "seconds", time.Since(phase).Seconds()) }()
	if r.fatal > 0 {
		res.Outcome = audit.OutcomeRejected
		if err := r.copy(cur, concurrent, false); err != nil {
			return err
		}
		return r.rejectedError()
	}
	if err := r.copy(cur, concurrent, true); err != nil {
		return err
	}
	r.setOutcome()
	return nil
}

func (r *runner) rejectedError() error {
	res := r.res
	return fmt.Errorf("%w: %d of %d rows (%s); nothing was written — see the rejects report, fix the data or choose --on-conflict skip / --unsupported-hash reset|keep",
		ErrRejected, res.Rejected, res.RowsRead-res.AlreadyMigrated, codeSummary(res.RejectedByCode))
}

func (r *runner) setOutcome() {
	r.res.Outcome = audit.OutcomeMigrated
	if r.res.Migrated == 0 {
		r.res.Outcome = audit.OutcomeNothing
	}
}

// resetCounts forgets what an abandoned one-pass attempt counted.
func (r *runner) resetCounts() {
	res := r.res
	res.Migrated, res.Rejected, res.TempPasswords, res.KeptUnsupported, res.BulkLoad = 0, 0, 0, 0, false
	res.RejectedByCode = map[string]int64{}
	r.fatal, r.temps = 0, 0
}

// count adds one decided row to the result's counts.
func (r *runner) count(s status) {
	res, o := r.res, r.o
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

// tally fills the result's counts from the preflight's decisions.
func (r *runner) tally() {
	for _, s := range r.st {
		r.count(s)
	}
	r.finishCounts()
}

// finishCounts adds the temporary-password figures and the hashing estimate.
func (r *runner) finishCounts() {
	res, o := r.res, r.o
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
