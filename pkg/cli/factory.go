package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/pflag"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// GlobalOptions are the root's persistent flags that are not configuration
// layers (those live in config.Config).
type GlobalOptions struct {
	Output     string
	Quiet      bool
	NoProgress bool
	Verbose    bool
	Yes        bool
}

// Factory hands commands their dependencies, built once and lazily.
type Factory struct {
	IO      *output.IOStreams
	Environ []string
	Dir     string
	Build   BuildInfo
	Global  GlobalOptions

	flags *pflag.FlagSet

	cfgOnce sync.Once
	cfg     *config.Config
	cfgErr  error

	logOnce sync.Once
	logger  *slog.Logger
	logFile io.Closer
}

// NewFactory returns a factory over the given streams and environment.
func NewFactory(io *output.IOStreams, environ []string, dir string, build BuildInfo) *Factory {
	return &Factory{IO: io, Environ: environ, Dir: dir, Build: build}
}

// getenv is the value of name in the environment the factory was given
// (never the process's own), or "".
func (f *Factory) getenv(name string) string {
	for _, kv := range f.Environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// Config loads the effective configuration once.
func (f *Factory) Config() (*config.Config, error) {
	f.cfgOnce.Do(func() {
		f.cfg, f.cfgErr = config.Load(config.LoadOptions{Flags: f.flags, Environ: f.Environ, Dir: f.Dir})
	})
	return f.cfg, f.cfgErr
}

// Target parses the configured database URL.
func (f *Factory) Target() (database.Target, error) {
	cfg, err := f.Config()
	if err != nil {
		return database.Target{}, err
	}
	return cfg.DatabaseTarget()
}

// OpenDB opens the configured database with the configured timeouts.
func (f *Factory) OpenDB(ctx context.Context) (*database.DB, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	t, err := cfg.DatabaseTarget()
	if err != nil {
		return nil, err
	}
	f.Logger().Debug("opening database", "database", t.Redacted())
	return database.Open(ctx, t, database.OpenOptions{
		ConnectTimeout: cfg.ConnectTimeout(),
		BusyTimeout:    cfg.LockTimeout(),
	})
}

// OpenSource opens the database holding the legacy table, read-only
// (--source-url), when it is another database than target; nil, nil when
// the legacy table is read in target itself (no --source-url, or one that
// names the same database).
func (f *Factory) OpenSource(ctx context.Context, target database.Target) (*database.DB, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	t, ok, err := cfg.SourceTarget()
	if err != nil || !ok {
		return nil, err
	}
	if t.SameDatabase(target) {
		return nil, nil
	}
	f.Logger().Debug("opening source database", "source", t.Redacted())
	db, err := database.Open(ctx, t, database.OpenOptions{ConnectTimeout: cfg.ConnectTimeout(),
		BusyTimeout: cfg.LockTimeout(), ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("source database (--source-url): %w", err)
	}
	return db, nil
}

// sourceSnapshot opens the source database (OpenSource) and begins its
// read-only snapshot; nil, and a no-op close, when the legacy table is in
// target. close ends the snapshot and closes the database.
func (f *Factory) sourceSnapshot(ctx context.Context, target database.Target) (*database.Snapshot, func(), error) {
	src, err := f.OpenSource(ctx, target)
	if err != nil || src == nil {
		return nil, func() {}, err
	}
	snap, err := src.Snapshot(ctx)
	if err != nil {
		src.Close()
		return nil, func() {}, err
	}
	return snap, func() {
		_ = snap.Close()
		src.Close()
	}, nil
}

// Format parses -o/--output against the formats a command offers.
func (f *Factory) Format(allowed ...output.Format) (output.Format, error) {
	if f.Global.Output == "" {
		return allowed[0], nil
	}
	ft, err := output.ParseFormat(f.Global.Output, allowed...)
	if err != nil {
		return "", usageErrorf("%v", err)
	}
	return ft, nil
}

// Logger logs human text to stderr and, when a migration log is configured,
// JSON lines to it. --quiet keeps warnings only; --verbose adds debug.
func (f *Factory) Logger() *slog.Logger {
	f.logOnce.Do(func() {
		level := slog.LevelInfo
		switch {
		case f.Global.Verbose:
			level = slog.LevelDebug
		case f.Global.Quiet:
			level = slog.LevelWarn
		}
		handlers := []slog.Handler{slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{
			Level: level,
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.Attr{} // people read stderr; the log file keeps times
				}
				return a
			},
		})}
		if cfg, err := f.Config(); err == nil && cfg.LogFile() != "" {
			if fh, err := openLogFile(cfg.LogFile()); err == nil {
				f.logFile = fh
				// The file keeps info and up; debug (where emails may appear)
				// only with --verbose, as on stderr.
				fileLevel := slog.LevelInfo
				if f.Global.Verbose {
					fileLevel = slog.LevelDebug
				}
				handlers = append(handlers, slog.NewJSONHandler(fh, &slog.HandlerOptions{Level: fileLevel}))
			} else {
				fmt.Fprintf(f.IO.ErrOut, "dhmig: warning: cannot open migration log: %v\n", err)
			}
		}
		f.logger = slog.New(slog.NewMultiHandler(handlers...))
	})
	return f.logger
}

func openLogFile(path string) (*os.File, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
}

// Close releases what the factory opened.
func (f *Factory) Close() {
	f.IO.Flush()
	if f.logFile != nil {
		f.logFile.Close()
	}
}

// Progress returns a progress bar on a terminal, honouring --no-progress
// and --quiet; elsewhere it is silent.
func (f *Factory) Progress(total int64, label string) output.Progress {
	return output.NewProgress(f.IO, !f.Global.NoProgress && !f.Global.Quiet, total, label)
}

// Profile is the configured target's definition (--target).
func (f *Factory) Profile() (*target.Profile, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	return cfg.Target(), nil
}
