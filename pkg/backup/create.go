package backup

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dhafnckmcp/dhmig/internal/atomicfile"
	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Progress reports work done; output.Progress satisfies it.
type Progress interface {
	Add(n int)
	Finish()
}

// NewProgress starts a progress report of total units under a label.
type NewProgress func(total int64, label string) Progress

// Options tune Create.
type Options struct {
	// Dir is the backup directory; it is created (0700) when missing.
	Dir string
	// Version is the dhmig version recorded in the manifest.
	Version string
	// Format is custom (default) or plain for PostgreSQL; SQLite backups
	// are always a database file.
	Format string
	// ConfigDirs are directories copied into the backup, recursively.
	ConfigDirs []string
	// EnvFile is the .env file copied into the backup ("" for none).
	EnvFile string
	// Reason is recorded in the manifest (ReasonManual by default).
	Reason string
	// Log receives notes for people (skipped files, tool output); may be nil.
	Log io.Writer
	// Progress starts a progress bar for long copies; may be nil.
	Progress NewProgress
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Source, when set, describes the legacy rows of another database the
	// migration reads (--source-url); the manifest records it. The backup
	// itself is of the database written, never of the source.
	Source *SourceInfo
}

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Reason == "" {
		o.Reason = ReasonManual
	}
	if o.Format == "" {
		o.Format = FormatCustom
	}
}

func (o Options) progress(total int64, label string) Progress {
	if o.Progress == nil {
		return nopProgress{}
	}
	return o.Progress(total, label)
}

type nopProgress struct{}

func (nopProgress) Add(int) {}
func (nopProgress) Finish() {}

// Create backs up the database db is connected to, with the config files,
// into a new backup directory, and returns its manifest. Writers may keep
// writing: the copy is a consistent snapshot. On SQLite the caller must
// not use db while Create runs (it holds db's one connection).
func Create(ctx context.Context, db *database.DB, o Options) (Manifest, error) {
	o.defaults()
	if o.Format != FormatCustom && o.Format != FormatPlain {
		return Manifest{}, fmt.Errorf("unknown backup format %q: use custom or plain", o.Format)
	}
	if err := ensureDir(o.Dir); err != nil {
		return Manifest{}, err
	}
	// Work a killed backup or prune left behind holds copies of the
	// database and .env: the next backup removes it.
	gone, err := removeLeftovers(o.Dir)
	for _, id := range gone {
		fmt.Fprintf(o.Log, "removed incomplete backup %s\n", id)
	}
	if err != nil {
		return Manifest{}, err
	}
	now := o.Now().UTC()
	id, work, lock, err := claim(o.Dir, now)
	if err != nil {
		return Manifest{}, err
	}
	defer lock.Close()
	done := false
	defer func() {
		if !done {
			os.RemoveAll(work)
		}
	}()
	m := Manifest{
		ID: id, CreatedAt: now, DhmigVersion: o.Version, Reason: o.Reason,
		RowCounts: map[string]int64{}, Files: []File{}, ConfigDirs: []string{}, Source: o.Source,
	}
	for _, d := range o.ConfigDirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return Manifest{}, err
		}
		m.ConfigDirs = append(m.ConfigDirs, abs)
	}
	var dbFile File
	switch db.Target.Kind {
	case database.SQLite:
		dbFile, err = createSQLite(ctx, db, work, id, &m, o)
	case database.Postgres:
		dbFile, err = createPostgres(ctx, db, work, id, &m, o)
	default:
		err = fmt.Errorf("cannot back up a %q database", db.Target.Kind)
	}
	if err != nil {
		return Manifest{}, err
	}
	m.Files = append(m.Files, dbFile)
	cfg, err := copyConfig(work, o)
	if err != nil {
		return Manifest{}, err
	}
	m.Files = append(m.Files, cfg...)
	if err := writeManifest(work, m); err != nil {
		return Manifest{}, fmt.Errorf("write manifest: %w", err)
	}
	if err := atomicfile.SyncDir(work); err != nil {
		return Manifest{}, err
	}
	final := filepath.Join(o.Dir, id)
	if err := os.Rename(work, final); err != nil {
		return Manifest{}, fmt.Errorf("finish backup %s: %w", id, err)
	}
	done = true
	if err := atomicfile.SyncDir(o.Dir); err != nil {
		return m, err
	}
	return m, nil
}

// dbFileName follows the guide's naming: dhafnck_mcp_backup_<id>.<ext>.
func dbFileName(id, ext string) string { return "dhafnck_mcp_backup_" + id + "." + ext }

// finishDBFile records the database file once written.
func finishDBFile(work, name string) (File, error) {
	size, sum, err := hashFile(filepath.Join(work, name))
	if err != nil {
		return File{}, err
	}
	return File{Path: name, Role: RoleDatabase, Size: size, SHA256: sum}, nil
}
