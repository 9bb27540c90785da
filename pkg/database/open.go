package database

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// OpenOptions tune how a database is opened.
type OpenOptions struct {
	// ConnectTimeout bounds the first connection to a server (default 10s).
	ConnectTimeout time.Duration
	// BusyTimeout is how long a SQLite writer waits for another one
	// (default 15s); it is the SQLite side of --lock-timeout.
	BusyTimeout time.Duration
	// Create allows a missing SQLite file to be created (fixtures only; the
	// commands never create a database by accident).
	Create bool
	// ReadOnly opens a database dhmig only reads (--source-url), to be
	// read through Snapshot: SQLite opens the file with mode=ro (every
	// write is refused) and begins transactions DEFERRED, without the
	// write lock; PostgreSQL's snapshot is a READ ONLY transaction (and no
	// startup parameter such as default_transaction_read_only is sent:
	// poolers like PgBouncer refuse the ones they do not know). Either way
	// reading never blocks the application's writers longer than a read
	// would.
	ReadOnly bool
	// Immutable opens a SQLite file nobody writes (a backup copy) read-only
	// without locks, so no -wal or -shm file appears beside it.
	Immutable bool
}

// DB is an open database with the dialect that speaks to it.
type DB struct {
	*sqlx.DB
	Dialect Dialect
	Target  Target
}

// Open connects to the target and checks the connection works.
func Open(ctx context.Context, t Target, o OpenOptions) (*DB, error) {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 15 * time.Second
	}
	d, err := DialectFor(t.Kind)
	if err != nil {
		return nil, err
	}
	var dsn string
	switch t.Kind {
	case SQLite:
		st, err := os.Stat(t.Path)
		switch {
		case err == nil && st.IsDir():
			return nil, fmt.Errorf("%w: %s is a directory, not a database file", ErrNoDatabase, t.Path)
		case os.IsNotExist(err) && !o.Create:
			return nil, fmt.Errorf("%w: %s (check --database-url or DATABASE_URL; dhmig never creates an empty database)", ErrNoDatabase, t.Path)
		case err != nil && !os.IsNotExist(err):
			return nil, fmt.Errorf("database file %s: %w", t.Path, err)
		}
		if err := registerSQLiteFuncs(); err != nil {
			return nil, err
		}
		dsn = sqliteDSN(t.Path, o)
	case Postgres:
		dsn = postgresDSN(t, o)
	default:
		return nil, fmt.Errorf("unsupported database kind %q", t.Kind)
	}
	db, err := sqlx.Open(d.DriverName(), dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %s", t.Redacted(), t.RedactText(err.Error()))
	}
	pctx, cancel := context.WithTimeout(ctx, o.ConnectTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		msg := t.RedactText(err.Error())
		if pctx.Err() != nil && ctx.Err() == nil {
			msg = fmt.Sprintf("no answer within %s (--connect-timeout): %s", o.ConnectTimeout, msg)
		}
		return nil, fmt.Errorf("%w %s (host %s): %s", ErrConnect, t.Redacted(), hostOf(t), msg)
	}
	if t.Kind == SQLite {
		// One connection serialises the writer and keeps PRAGMAs in force.
		db.SetMaxOpenConns(1)
	}
	return &DB{DB: db, Dialect: d, Target: t}, nil
}

func hostOf(t Target) string {
	if t.Kind == SQLite {
		return "local file"
	}
	return t.Host + ":" + strconv.Itoa(t.Port)
}

// sqliteDSN opens the file without SQLite's per-connection mutex
// (_mutex=no): database/sql never lets two goroutines use one connection
// at once, and every call into SQLite would pay for a lock nobody else
// takes (a large copy makes millions of calls).
func sqliteDSN(path string, o OpenOptions) string {
	mode, txlock := "rw", "immediate"
	switch {
	case o.Immutable:
		mode, txlock = "ro&immutable=1", "deferred"
	case o.ReadOnly:
		mode, txlock = "ro", "deferred"
	case o.Create:
		mode = "rwc"
	}
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return fmt.Sprintf("file:%s?mode=%s&_foreign_keys=on&_mutex=no&_busy_timeout=%d&_txlock=%s",
		escaped, mode, o.BusyTimeout.Milliseconds(), txlock)
}

func postgresDSN(t Target, o OpenOptions) string {
	extra := map[string]string{
		"connect_timeout":           strconv.Itoa(int(math.Ceil(o.ConnectTimeout.Seconds()))),
		"fallback_application_name": "dhmig",
	}
	if _, ok := t.Params["sslmode"]; !ok {
		extra["sslmode"] = "prefer" // libpq's and psycopg2's default
	}
	// lib/pq has no sslpassword and would send any parameter it does not
	// know to the server as a run-time setting, so it stays behind.
	lt := t
	lt.Params = map[string]string{}
	for k, v := range t.Params {
		if !strings.EqualFold(k, "sslpassword") {
			lt.Params[k] = v
		}
	}
	return lt.url(withPassword, extra)
}
