package metrics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// ErrNoAuthSchema means auth_users does not exist: there is nothing to count.
var ErrNoAuthSchema = errors.New("auth_users does not exist (run dhmig schema up or dhmig migrate)")

// NullStatus labels users whose status is NULL.
const NullStatus = "(null)"

// AppStatuses and AppRoles are the application's UserStatus and UserRole
// values as the guide target stores them; every target's known statuses
// and roles (target.Profile) are always present in a snapshot, at zero when
// no user has them, so that a Prometheus series does not vanish when it
// reaches zero.
var (
	AppStatuses = target.Guide.Status.Known
	AppRoles    = target.Guide.Roles.Known
)

// noUsersTable is ErrNoAuthSchema for a target whose user table has
// another name than auth_users.
type noUsersTable struct{ p *target.Profile }

func (e noUsersTable) Error() string {
	return fmt.Sprintf("%s does not exist (run dhmig schema up --target %s or dhmig migrate --target %s)", e.p.Users, e.p.Name, e.p.Name)
}

func (e noUsersTable) Is(err error) bool { return err == ErrNoAuthSchema }

// Options tune a collection.
type Options struct {
	// SourceTable is the legacy table (default legacy_users); a validated
	// identifier, quoted.
	SourceTable string
	// Source, when set, is a read-only snapshot of another database that
	// holds the legacy table (--source-url): legacy rows are counted there.
	Source *database.Snapshot
	// Now decides which refresh tokens have expired and which accounts
	// are still locked (default time.Now()).
	Now time.Time
	// Target is the auth tables counted and what their columns mean
	// (nil: the guide's).
	Target *target.Profile
}

// Tokens counts refresh tokens by state: revoked (revoked_at set), expired
// (not revoked, expires_at before now) and active (the rest).
type Tokens struct {
	Active  int64 `json:"active"`
	Revoked int64 `json:"revoked"`
	Expired int64 `json:"expired"`
}

// Snapshot is one collection. Counts over optional tables are nil when the
// table does not exist (JSON null), so "no legacy table" reads differently
// from "an empty one".
type Snapshot struct {
	CollectedAt     time.Time        `json:"collected_at"`
	TotalUsers      int64            `json:"total_users"`
	ActiveUsers     int64            `json:"active_users"`
	LockedAccounts  int64            `json:"locked_accounts"`
	UnverifiedUsers int64            `json:"unverified_users"`
	UsersByStatus   map[string]int64 `json:"users_by_status"`
	UsersByRole     map[string]int64 `json:"users_by_role"`
	// TempPasswordUsers are migrated users who must reset their password
	// (dhmig_user_map.temp_password).
	TempPasswordUsers *int64 `json:"temp_password_users"`
	// LegacyTable names the legacy table LegacyUsers counts.
	LegacyTable   string `json:"legacy_table"`
	LegacyUsers   *int64 `json:"legacy_users"`
	MigratedUsers *int64 `json:"migrated_users"`
	// RejectedLegacyUsers are legacy rows the latest run rejected.
	RejectedLegacyUsers *int64  `json:"rejected_legacy_users"`
	RefreshTokens       *Tokens `json:"refresh_tokens"`
}

// Collect counts everything in a handful of set-based queries on q, as one
// read pass (Dialect.ReadPass: on PostgreSQL a connection pool is read in
// one read-only transaction, so the counts agree with each other; on SQLite
// no transaction is begun). It never writes.
func Collect(ctx context.Context, q sqlx.QueryerContext, d Dialect, opts Options) (s Snapshot, err error) {
	if opts.SourceTable == "" {
		opts.SourceTable = "legacy_users"
	}
	if err := database.ValidateIdent(opts.SourceTable); err != nil {
		return Snapshot{}, fmt.Errorf("source table: %w", err)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Target == nil {
		opts.Target = target.Guide
	}
	p := opts.Target
	s = Snapshot{CollectedAt: opts.Now.UTC(), LegacyTable: opts.SourceTable,
		UsersByStatus: map[string]int64{}, UsersByRole: map[string]int64{}}
	for _, st := range p.Status.Known {
		s.UsersByStatus[st] = 0
	}
	for _, r := range p.Roles.Known {
		s.UsersByRole[r] = 0
	}
	passes, end, err := d.ConcurrentReadPass(ctx, q, MaxReaders)
	if err != nil {
		return s, err
	}
	q = passes[0]
	defer func() {
		if eerr := end(); eerr != nil && err == nil {
			err = fmt.Errorf("end the read: %w", eerr)
		}
	}()
	tables, err := d.Tables(ctx, q)
	if err != nil {
		return s, fmt.Errorf("list tables: %w", err)
	}
	if !slices.Contains(tables, p.Users) {
		if p == target.Guide {
			return s, ErrNoAuthSchema
		}
		return s, noUsersTable{p}
	}
	others := func(ctx context.Context, q sqlx.QueryerContext) error {
		if err := collectStatuses(ctx, q, p, &s); err != nil {
			return err
		}
		return collectOthers(ctx, q, d, opts, tables, &s)
	}
	if len(passes) == 1 {
		err = collectUsers(ctx, q, d, opts, &s)
		if err == nil {
			err = others(ctx, q)
		}
	} else {
		// The scan of auth_users is most of the work: it runs beside the
		// other counts, which fill other fields of s. The first error
		// stops both.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		users := make(chan error, 1)
		go func() { users <- collectUsers(ctx, passes[0], d, opts, &s) }()
		if err = others(ctx, passes[1]); err != nil {
			cancel()
		}
		if uerr := <-users; err == nil {
			err = uerr
		}
	}
	s.ActiveUsers = s.UsersByStatus[p.Status.Active]
	if p.Columns.VerifiedFlag == "" {
		s.UnverifiedUsers = s.UsersByStatus[p.Status.Pending]
	}
	return s, err
}

// MaxReaders is the most connections Collect reads a pool on at once: the
// scan of auth_users on one, every other count on the other.
const MaxReaders = 2

// collectOthers fills what does not come from auth_users: the bookkeeping,
// the legacy table and the refresh tokens.
func collectOthers(ctx context.Context, q sqlx.QueryerContext, d database.Core, opts Options, tables []string, s *Snapshot) (err error) {
	has := func(t string) bool { return slices.Contains(tables, t) }
	if has("dhmig_user_map") {
		var migrated, temp sql.NullInt64
		if err := q.QueryRowxContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE temp_password) FROM dhmig_user_map`).
			Scan(&migrated, &temp); err != nil {
			return fmt.Errorf("count dhmig_user_map: %w", err)
		}
		s.MigratedUsers, s.TempPasswordUsers = ptr(migrated.Int64), ptr(temp.Int64)
	}
	if has("dhmig_rejects") {
		if s.RejectedLegacyUsers, err = countRows(ctx, q, "dhmig_rejects"); err != nil {
			return err
		}
	}
	if src := opts.Source; src != nil {
		if ok, err := database.TableExists(ctx, src.Dialect, src.Tx, opts.SourceTable); err != nil {
			return fmt.Errorf("find %s: %w", opts.SourceTable, err)
		} else if ok {
			if s.LegacyUsers, err = countRows(ctx, src.Tx, src.Dialect.QuoteIdent(opts.SourceTable)); err != nil {
				return err
			}
		}
	} else if has(opts.SourceTable) {
		if s.LegacyUsers, err = countRows(ctx, q, d.QuoteIdent(opts.SourceTable)); err != nil {
			return err
		}
	}
	if tokens := opts.Target.Tokens; tokens != "" && has(tokens) {
		var t Tokens
		query := sqlx.Rebind(sqlx.BindType(d.DriverName()), `SELECT
			COALESCE(SUM(CASE WHEN revoked_at IS NOT NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN revoked_at IS NULL AND expires_at < ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN revoked_at IS NULL AND NOT (expires_at < ?) THEN 1 ELSE 0 END), 0)
			FROM `+tokens)
		now := d.Timestamp(opts.Now)
		if err := q.QueryRowxContext(ctx, query, now, now).Scan(&t.Revoked, &t.Expired, &t.Active); err != nil {
			return fmt.Errorf("count refresh tokens: %w", err)
		}
		s.RefreshTokens = &t
	}
	return nil
}

// collectUsers reads the total, the locked accounts (and, for a target
// with an email_verified flag, the unverified ones) and the users whose
// roles are exactly one of the application's roles in one scan of the
// user table, without sorting or expanding anything (COUNT(*) FILTER: a
// third cheaper than SUM(CASE …) on SQLite). Only when some users are left
// over (another role, several roles) does it group just those, in a second
// query. Statuses are collectStatuses' part.
func collectUsers(ctx context.Context, q sqlx.QueryerContext, d countDialect, opts Options, s *Snapshot) error {
	p := opts.Target
	locked, args := database.LockedSQL(d, p, func(c string) string { return c }, opts.Now)
	cols := []string{"COUNT(*)", "COUNT(*) FILTER (WHERE " + locked + ")"}
	flag := p.Columns.VerifiedFlag
	if flag != "" {
		cols = append(cols, "COUNT(*) FILTER (WHERE "+flag+" IS NULL OR NOT "+flag+")")
	}
	fixedCols := len(cols)
	roles := d.RolesListSQL("roles", p.Roles.JSON)
	var roleArgs []any
	var oneRole []string
	for _, r := range p.Roles.Known {
		pred, a := d.OneRoleSQL(roles, r)
		cols = append(cols, "COUNT(*) FILTER (WHERE "+pred+")")
		roleArgs = append(roleArgs, a...)
		oneRole = append(oneRole, "WHEN "+pred+" THEN 1")
	}
	args = append(args, roleArgs...)
	vals := make([]int64, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	query := sqlx.Rebind(sqlx.BindType(d.DriverName()), "SELECT "+strings.Join(cols, ", ")+" FROM "+p.Users)
	if err := q.QueryRowxContext(ctx, query, args...).Scan(dest...); err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	s.TotalUsers, s.LockedAccounts = vals[0], vals[1]
	if flag != "" {
		s.UnverifiedUsers = vals[2]
	}
	var single int64
	for i, r := range p.Roles.Known {
		s.UsersByRole[r] = vals[fixedCols+i]
		single += vals[fixedCols+i]
	}
	if single < s.TotalUsers {
		where := "CASE " + strings.Join(oneRole, " ") + " ELSE 0 END = 0"
		if err := collectOtherRoles(ctx, q, d, p, roles, where, roleArgs, s); err != nil {
			return err
		}
	}
	return nil
}

// collectStatuses counts the users of each status, NULL included. The
// schema indexes status (idx_auth_users_status), so the database reads the
// index rather than the table, cheaper than counting statuses in the scan
// of the other totals.
func collectStatuses(ctx context.Context, q sqlx.QueryerContext, p *target.Profile, s *Snapshot) error {
	rows, err := q.QueryxContext(ctx, `SELECT status, COUNT(*) FROM `+p.Users+` GROUP BY status`)
	if err != nil {
		return fmt.Errorf("count users by status: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status sql.NullString
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			return fmt.Errorf("count users by status: %w", err)
		}
		key := status.String
		if !status.Valid {
			key = NullStatus
		}
		s.UsersByStatus[key] += n
	}
	return rows.Err()
}

// collectOtherRoles groups the users the scan did not count by their role
// list first (a few distinct lists in practice), then expands only those
// lists.
func collectOtherRoles(ctx context.Context, q sqlx.QueryerContext, d roleDialect, p *target.Profile, roles, where string, args []any, s *Snapshot) error {
	from, role := d.UnnestRolesSQL("g.roles", "r")
	grouped := `SELECT roles, COUNT(*) AS n FROM ` + p.Users + ` WHERE ` + where + ` GROUP BY roles`
	if roles != "roles" {
		grouped = `SELECT x.roles, COUNT(*) AS n FROM (SELECT ` + roles + ` AS roles FROM ` + p.Users +
			` WHERE ` + where + `) x GROUP BY x.roles`
	}
	rows, err := q.QueryxContext(ctx, sqlx.Rebind(sqlx.BindType(d.DriverName()), `SELECT `+role+`, SUM(g.n)
		FROM (`+grouped+`) g
		CROSS JOIN `+from+` GROUP BY `+role), args...)
	if err != nil {
		return fmt.Errorf("count users by role: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name sql.NullString
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return fmt.Errorf("count users by role: %w", err)
		}
		s.UsersByRole[name.String] += n
	}
	return rows.Err()
}

func countRows(ctx context.Context, q sqlx.QueryerContext, quotedTable string) (*int64, error) {
	var n int64
	if err := q.QueryRowxContext(ctx, `SELECT COUNT(*) FROM `+quotedTable).Scan(&n); err != nil {
		return nil, fmt.Errorf("count %s: %w", quotedTable, err)
	}
	return &n, nil
}

func ptr(n int64) *int64 { return &n }
