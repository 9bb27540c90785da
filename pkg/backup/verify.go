package backup

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Check statuses of a verification.
const (
	CheckOK   = "ok"
	CheckFail = "fail"
	CheckSkip = "skip"
)

// Check is one verification step.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// VerifyResult says whether a backup can be trusted, check by check.
type VerifyResult struct {
	ID       string   `json:"id"`
	OK       bool     `json:"ok"`
	Checks   []Check  `json:"checks"`
	Manifest Manifest `json:"-"`
}

// Verify recomputes every checksum of backup ref (an id, or "latest" of
// the database identity, "" for any) in dir and reads the database copy:
// PRAGMA integrity_check on SQLite, pg_restore --list on a custom archive.
// A mismatch returns the result with an error wrapping ErrCorrupt; a
// missing backup ErrMissing.
func Verify(ctx context.Context, dir, ref, identity string) (VerifyResult, error) {
	m, err := Find(dir, ref, identity)
	if err != nil {
		return VerifyResult{ID: ref, Checks: []Check{}}, err
	}
	return verifyManifest(ctx, dir, m)
}

func verifyManifest(ctx context.Context, dir string, m Manifest) (VerifyResult, error) {
	res := VerifyResult{ID: m.ID, Manifest: m, Checks: []Check{}}
	add := func(name, status, format string, args ...any) {
		res.Checks = append(res.Checks, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, args...)})
	}
	root := filepath.Join(dir, m.ID)
	dbFile, ok := m.DatabaseFile()
	if !ok {
		add("manifest", CheckFail, "lists no database file")
	}
	for _, f := range m.Files {
		if strings.Contains(f.Path, "..") || filepath.IsAbs(f.Path) {
			add(f.Path, CheckFail, "path leaves the backup directory")
			continue
		}
		size, sum, err := hashFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		switch {
		case err != nil:
			add(f.Path, CheckFail, "cannot read: %v", err)
		case size != f.Size:
			add(f.Path, CheckFail, "size %d, manifest says %d", size, f.Size)
		case sum != f.SHA256:
			add(f.Path, CheckFail, "sha256 %s, manifest says %s", sum, f.SHA256)
		default:
			add(f.Path, CheckOK, "sha256 matches (%d bytes)", size)
		}
	}
	checksumsOK := allOK(res.Checks)
	if ok && checksumsOK {
		path := filepath.Join(root, filepath.FromSlash(dbFile.Path))
		if err := readCopy(ctx, m, path, add); err != nil {
			return res, err
		}
	}
	res.OK = allOK(res.Checks)
	if !res.OK {
		var bad []string
		for _, c := range res.Checks {
			if c.Status == CheckFail {
				bad = append(bad, c.Name+": "+c.Detail)
			}
		}
		return res, fmt.Errorf("%w: backup %s: %s", ErrCorrupt, m.ID, strings.Join(bad, "; "))
	}
	return res, nil
}

// readCopy proves the database copy is readable by its engine. An error
// means the check could not run (a missing tool), not a bad backup.
func readCopy(ctx context.Context, m Manifest, path string, add func(string, string, string, ...any)) error {
	switch {
	case m.Database.Kind == database.SQLite:
		db, err := openSQLiteCopy(ctx, path)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := sqliteIntegrity(ctx, db); err != nil {
			add("integrity_check", CheckFail, "%v", err)
		} else {
			add("integrity_check", CheckOK, "ok")
		}
	case m.Database.Format == FormatCustom:
		tool, err := restoreTool(ctx, m, "pg_restore")
		if err != nil {
			return err
		}
		list, err := pgList(ctx, tool, path)
		switch {
		case err != nil:
			add("pg_restore --list", CheckFail, "%v", err)
		case len(list) == 0 && m.Database.Empty:
			add("pg_restore --list", CheckOK, "no archive entries: the database was empty when backed up")
		case len(list) == 0:
			// The manifest lists tables the archive does not hold.
			add("pg_restore --list", CheckFail, "archive lists no entries")
		default:
			add("pg_restore --list", CheckOK, "%d archive entries readable", len(list))
		}
	default:
		add("archive", CheckSkip, "plain SQL: checksums only")
	}
	return nil
}

func allOK(checks []Check) bool {
	for _, c := range checks {
		if c.Status == CheckFail {
			return false
		}
	}
	return true
}

// restoreTool finds pg_restore or psql and refuses one older than the
// pg_dump that wrote the archive (or the server it came from).
func restoreTool(ctx context.Context, m Manifest, name string) (Tool, error) {
	tool, err := FindTool(ctx, name)
	if err != nil {
		return tool, err
	}
	need := 0
	if m.Database.DumpTool != nil {
		need = m.Database.DumpTool.Major
	}
	if sm, err := ServerMajor(m.Database.ServerVersion); err == nil && sm > need {
		need = sm
	}
	if tool.Major < need {
		return tool, fmt.Errorf("%s %s is older than backup %s needs (written by pg_dump %d): install PostgreSQL %d client tools or newer",
			name, tool.Version, m.ID, need, need)
	}
	return tool, nil
}

// pgList reads an archive's table of contents with pg_restore --list.
func pgList(ctx context.Context, tool Tool, path string) ([]string, error) {
	out, err := runTool(ctx, tool.Path, database.Target{}, nil, nil, "--list", path)
	if err != nil {
		return nil, err
	}
	var entries []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, ";") {
			entries = append(entries, l)
		}
	}
	return entries, nil
}
