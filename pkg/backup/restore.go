package backup

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/dhafnckmcp/dhmig/internal/atomicfile"
	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// RestoreOptions tune PlanRestore and Restore.
type RestoreOptions struct {
	// Dir is the backup directory.
	Dir string
	// Ref is a backup id, or "latest" (the newest non-safety backup of
	// this database), for PlanRestore to find.
	Ref string
	// Config also restores the backup's config files and .env file to the
	// places they were copied from.
	Config bool
	// LockTimeout bounds how long a PostgreSQL restore waits for other
	// sessions' locks before giving up (default 15s).
	LockTimeout time.Duration
	// Log receives notes for people; may be nil.
	Log io.Writer
}

// Plan is what a restore would do, shown before anything changes.
type Plan struct {
	Backup   Manifest     `json:"backup"`
	Verified VerifyResult `json:"verification"`
	Database string       `json:"database"`
	// CurrentTables and CurrentRowCounts describe the database now.
	CurrentTables    []string         `json:"current_tables"`
	CurrentRowCounts map[string]int64 `json:"current_row_counts"`
	// TablesDropped exist now but not in the backup; TablesRecreated are
	// in the backup but gone now. Every other table is replaced too.
	TablesDropped   []string `json:"tables_dropped"`
	TablesRecreated []string `json:"tables_recreated"`
	// ConfigFiles are the files a restore with Config overwrites.
	ConfigFiles []string `json:"config_files"`
}

// PlanRestore finds and verifies the backup, checks it belongs to db's
// database and that the client tools can restore it, and describes what a
// restore would replace. It changes nothing. An unusable backup returns an
// error wrapping ErrMissing or ErrCorrupt.
func PlanRestore(ctx context.Context, db *database.DB, o RestoreOptions) (Plan, error) {
	identity := db.Target.Identity()
	m, err := Find(o.Dir, o.Ref, identity)
	if err != nil {
		return Plan{}, err
	}
	if !SameDatabase(m, identity) || m.Database.Kind != db.Target.Kind {
		return Plan{}, fmt.Errorf("%w: backup %s is of %s (%s), not of %s", ErrMissing, m.ID,
			m.Database.Display, m.Database.Kind, db.Target.Redacted())
	}
	vr, err := verifyManifest(ctx, o.Dir, m)
	if err != nil {
		return Plan{Backup: m, Verified: vr}, err
	}
	if m.Database.Kind == database.Postgres {
		if _, err := restoreTool(ctx, m, "psql"); err != nil {
			return Plan{}, err
		}
		if m.Database.Format == FormatCustom {
			if _, err := restoreTool(ctx, m, "pg_restore"); err != nil {
				return Plan{}, err
			}
		}
	}
	now := Manifest{RowCounts: map[string]int64{}}
	if err := describe(ctx, db, db.Dialect, &now); err != nil {
		return Plan{}, err
	}
	p := Plan{
		Backup: m, Verified: vr, Database: db.Target.Redacted(),
		CurrentTables: now.Database.Tables, CurrentRowCounts: now.RowCounts,
		TablesDropped:   minus(now.Database.Tables, m.Database.Tables),
		TablesRecreated: minus(m.Database.Tables, now.Database.Tables),
		ConfigFiles:     []string{},
	}
	if o.Config {
		for _, f := range m.Files {
			if f.Role == RoleConfig || f.Role == RoleEnv {
				p.ConfigFiles = append(p.ConfigFiles, f.Source)
			}
		}
	}
	return p, nil
}

func minus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !contains(b, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// Restore makes db's database hold exactly what the backup of p held, all
// or nothing. p is PlanRestore's for db: the backup was verified there and
// is not read whole again; the copy checks each byte it restores against
// the manifest's checksum as it goes, so a backup changed since then
// changes nothing. SQLite: the file is swapped atomically; db's idle
// connections are closed first, and the caller must have no query in
// flight on db. PostgreSQL: every schema is dropped and the archive
// replayed in one transaction. The caller holds the write lock.
func Restore(ctx context.Context, db *database.DB, p Plan, o RestoreOptions) error {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 15 * time.Second
	}
	if p.Backup.ID == "" || !p.Verified.OK {
		return fmt.Errorf("%w: restore needs a verified plan (PlanRestore)", ErrCorrupt)
	}
	var err error
	root := filepath.Join(o.Dir, p.Backup.ID)
	dbFile, _ := p.Backup.DatabaseFile()
	src := filepath.Join(root, filepath.FromSlash(dbFile.Path))
	switch p.Backup.Database.Kind {
	case database.SQLite:
		err = restoreSQLite(ctx, db, src, dbFile)
	case database.Postgres:
		err = restorePostgres(ctx, db.Target, p.Backup, src, dbFile, o)
	default:
		err = fmt.Errorf("cannot restore a %q backup", p.Backup.Database.Kind)
	}
	if err != nil {
		return err
	}
	if o.Config {
		for _, f := range p.Backup.Files {
			if f.Role != RoleConfig && f.Role != RoleEnv {
				continue
			}
			if err := restoreFile(filepath.Join(root, filepath.FromSlash(f.Path)), f); err != nil {
				return fmt.Errorf("restore %s: %w", f.Source, err)
			}
			fmt.Fprintf(o.Log, "restored %s\n", f.Source)
		}
	}
	return nil
}

// restoreFile puts a config file back where it came from, with its mode,
// atomically: a temporary file in the same directory, fsync, rename. A
// link is followed, so the file it points to is restored and it stays.
func restoreFile(src string, f File) error {
	dest, err := realPath(f.Source)
	if err != nil {
		return err
	}
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := atomicCopy(src, dest, f.SHA256, parseMode(f.Mode))
	if err != nil {
		return err
	}
	defer tmp.Discard()
	if st, err := os.Stat(dest); err == nil {
		chownLike(tmp.Name(), st)
	}
	return tmp.Commit()
}

// atomicCopy copies src next to dest under a temporary name, checks its
// sha256 against want, sets mode and flushes it; the caller commits it.
func atomicCopy(src, dest, want string, mode os.FileMode) (*atomicfile.Pending, error) {
	in, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	out, err := atomicfile.Create(dest, mode)
	if err != nil {
		return nil, err
	}
	sum, err := copyHashed(out, in)
	if err == nil && sum != want {
		err = changedSince(src, sum, want)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		out.Discard()
		return nil, err
	}
	return out, nil
}

// changedSince is the error for a backup file whose bytes are no longer
// the ones verified.
func changedSince(src, sum, want string) error {
	return fmt.Errorf("%w: %s changed since it was verified (sha256 %s, manifest says %s)", ErrCorrupt, src, sum, want)
}

// checkSum reads src whole and checks its sha256.
func checkSum(src, want string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	sum, err := copyHashed(io.Discard, in)
	if err != nil {
		return err
	}
	if sum != want {
		return changedSince(src, sum, want)
	}
	return nil
}
