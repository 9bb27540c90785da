package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Doctor check statuses.
const (
	checkOK   = "ok"
	checkWarn = "warn"
	checkFail = "fail"
	checkSkip = "skip"
)

type doctorCheck struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

type doctorReport struct {
	Database      string `json:"database"`
	Kind          string `json:"kind"`
	ServerVersion string `json:"server_version,omitempty"`
	// Target is the configured target (--target); TargetsFound the
	// targets whose user table the database holds.
	Target       string   `json:"target"`
	TargetsFound []string `json:"targets_found"`
	// Source is the database the legacy table is read from when it is
	// not Database (--source-url).
	Source string        `json:"source,omitempty"`
	OK     bool          `json:"ok"`
	Checks []doctorCheck `json:"checks"`
}

// errDoctor is returned when a check an operator needs failed (exit 1).
var errDoctor = errors.New("doctor found problems")

// NewDoctorCmd checks what the guide's troubleshooting asks for.
func NewDoctorCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check connectivity, versions, client tools, schema and the backup directory",
		Long: `Connect to the database and report the server and driver versions, the schema
state and the legacy table; on PostgreSQL find pg_dump, pg_restore and psql and
compare their major version with the server's; check the backup directory is
writable. Exits 1 when anything an operator needs is missing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			t, err := f.Target()
			if err != nil {
				return err
			}
			rep := runDoctor(cmd.Context(), f, t, cfg.BackupDir())
			if format == output.JSON {
				err = output.WriteJSON(f.IO.Out, rep)
			} else {
				err = writeDoctor(f, rep)
			}
			if err != nil {
				return err
			}
			if !rep.OK {
				return reported(errDoctor)
			}
			return nil
		},
	}
}

func runDoctor(ctx context.Context, f *Factory, t database.Target, backupDir string) doctorReport {
	p, _ := f.Profile() // the caller loaded the configuration already
	rep := doctorReport{Database: t.Redacted(), Kind: string(t.Kind), Target: p.Name, TargetsFound: []string{}}
	add := func(name, status, format string, args ...any) {
		rep.Checks = append(rep.Checks, doctorCheck{Name: name, Status: status, Detail: f.redact(fmt.Sprintf(format, args...))})
	}
	add("driver", checkOK, "%s", driverVersion(t.Kind))
	src, srcErr := f.OpenSource(ctx, t)
	if src != nil {
		defer src.Close()
	}
	apart := src != nil || srcErr != nil
	db, err := f.OpenDB(ctx)
	if err != nil {
		add("connect", checkFail, "%v", err)
	} else {
		defer db.Close()
		doctorDatabase(ctx, db, p, &rep, !apart, add)
	}
	switch {
	case srcErr != nil:
		add("source connect", checkFail, "%v", srcErr)
	case src != nil:
		rep.Source = src.Target.Redacted()
		doctorSource(ctx, src, add)
	}
	doctorBackupDir(backupDir, add)
	rep.OK = true
	for _, c := range rep.Checks {
		if c.Status == checkFail {
			rep.OK = false
		}
	}
	return rep
}

func doctorDatabase(ctx context.Context, db *database.DB, p *target.Profile, rep *doctorReport, legacy bool, add func(string, string, string, ...any)) {
	v, err := db.Dialect.ServerVersion(ctx, db)
	if err != nil {
		add("connect", checkFail, "connected, but cannot read the server version: %v", err)
		return
	}
	rep.ServerVersion = v
	add("connect", checkOK, "connected to %s %s", db.Dialect.Kind(), v)

	doctorTarget(ctx, db, p, rep, add)
	if m, err := schema.NewFor(db.Dialect, p); err != nil {
		add("schema", checkFail, "%v", err)
	} else if st, err := m.Status(ctx, db); err != nil {
		add("schema", checkFail, "cannot read schema history: %v", err)
	} else {
		switch {
		case st.Drift:
			add("schema", checkFail, "drift: an applied version differs from dhmig's files (see dhmig schema status)")
		case st.Current == 0:
			add("schema", checkWarn, "not applied yet: dhmig migrate (or dhmig schema up) will create it")
		case st.Pending > 0:
			add("schema", checkWarn, "version %04d of %04d: %d pending (dhmig schema up)", st.Current, st.Latest, st.Pending)
		default:
			add("schema", checkOK, "version %04d, up to date", st.Current)
		}
	}

	if legacy {
		doctorLegacy(ctx, db, add)
	}

	if db.Dialect.Kind() != database.Postgres {
		add("client tools", checkSkip, "not needed for SQLite (backups use SQLite's online backup)")
		return
	}
	major, err := backup.ServerMajor(v)
	if err != nil {
		add("client tools", checkFail, "%v", err)
		return
	}
	for _, name := range []string{"pg_dump", "pg_restore", "psql"} {
		tool, err := backup.FindTool(ctx, name)
		if err == nil {
			err = backup.CheckCompatible(tool, major)
		}
		if err != nil {
			add(name, checkFail, "%v", err)
			continue
		}
		add(name, checkOK, "%s (%s), server is %d", tool.Version, tool.Path, major)
	}
}

// doctorBackupDir checks the backup directory can be written, creating
// nothing: a missing directory is fine when its parent is writable.
func doctorBackupDir(dir string, add func(string, string, string, ...any)) {
	probe := dir
	for {
		st, err := os.Stat(probe)
		if err == nil {
			if !st.IsDir() {
				add("backup dir", checkFail, "%s is not a directory", probe)
				return
			}
			break
		}
		parent := filepath.Dir(probe)
		if parent == probe {
			add("backup dir", checkFail, "%s: no existing parent directory", dir)
			return
		}
		probe = parent
	}
	fh, err := os.CreateTemp(probe, ".dhmig-doctor-*")
	if err != nil {
		add("backup dir", checkFail, "%s is not writable: %v", probe, err)
		return
	}
	fh.Close()
	os.Remove(fh.Name())
	if probe != dir {
		add("backup dir", checkOK, "%s will be created (in writable %s)", dir, probe)
		return
	}
	add("backup dir", checkOK, "%s is writable", dir)
}

func driverVersion(k database.Kind) string {
	mod := map[database.Kind]string{database.SQLite: "github.com/mattn/go-sqlite3", database.Postgres: "github.com/lib/pq"}[k]
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == mod {
				return mod + " " + d.Version
			}
		}
	}
	return mod
}

func writeDoctor(f *Factory, rep doctorReport) error {
	rows := make([][]string, 0, len(rep.Checks))
	for _, c := range rep.Checks {
		rows = append(rows, []string{c.Name, c.Status, c.Detail})
	}
	if _, err := fmt.Fprintf(f.IO.Out, "database: %s\n", rep.Database); err != nil {
		return err
	}
	if rep.Source != "" {
		if _, err := fmt.Fprintf(f.IO.Out, "source:   %s (read only)\n", rep.Source); err != nil {
			return err
		}
	}
	return output.WriteTable(f.IO.Out, []string{"CHECK", "STATUS", "DETAIL"}, rows)
}

// doctorLegacy counts the legacy table where it is read.
func doctorLegacy(ctx context.Context, db *database.DB, add func(string, string, string, ...any)) {
	if ok, err := database.TableExists(ctx, db.Dialect, db, "legacy_users"); err != nil {
		add("legacy table", checkFail, "%v", err)
	} else if !ok {
		add("legacy table", checkWarn, "legacy_users not found (use --source-table if it has another name)")
	} else {
		var n int64
		if err := db.GetContext(ctx, &n, `SELECT COUNT(*) FROM legacy_users`); err != nil {
			add("legacy table", checkFail, "legacy_users: %v", err)
		} else {
			add("legacy table", checkOK, "legacy_users has %d rows", n)
		}
	}
}

// doctorSource checks the source database (--source-url): reachable,
// readable in a snapshot, and holding the legacy table. It is opened
// read-only, so nothing here can write to it.
func doctorSource(ctx context.Context, src *database.DB, add func(string, string, string, ...any)) {
	v, err := src.Dialect.ServerVersion(ctx, src)
	if err != nil {
		add("source connect", checkFail, "connected, but cannot read the server version: %v", err)
		return
	}
	snap, err := src.Snapshot(ctx)
	if err != nil {
		add("source connect", checkFail, "connected to %s %s, but %v", src.Dialect.Kind(), v, err)
		return
	}
	_ = snap.Close()
	add("source connect", checkOK, "connected to %s %s, read only (the legacy table is read here)", src.Dialect.Kind(), v)
	doctorLegacy(ctx, src, add)
}
