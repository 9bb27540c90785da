package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Listing statuses: a cheap check of the manifest and file sizes. Verify
// recomputes checksums.
const (
	StatusComplete   = "complete"
	StatusDamaged    = "damaged"
	StatusUnreadable = "unreadable"
	// StatusIncomplete is a backup that never finished (Detail says
	// whether it is still being written); it has no manifest.
	StatusIncomplete = "incomplete"
)

// Entry is one backup as List sees it.
type Entry struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Kind      string    `json:"kind"`
	Identity  string    `json:"identity"`
	Reason    string    `json:"reason"`
	Size      int64     `json:"size"`
	Status    string    `json:"status"`
	Detail    string    `json:"detail,omitempty"`
	// Manifest is nil when it could not be read.
	Manifest *Manifest `json:"-"`
}

// List returns the backups in dir, newest first, with the hidden work of
// unfinished ones as StatusIncomplete. A missing directory holds none.
func List(dir string) ([]Entry, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read backup directory: %w", err)
	}
	var out []Entry
	for _, de := range ents {
		if !de.IsDir() {
			continue
		}
		if id, suffix, ok := leftover(de.Name()); ok {
			out = append(out, inspectLeftover(dir, de.Name(), id, suffix))
		} else if isID(de.Name()) {
			out = append(out, inspect(dir, de.Name()))
		}
	}
	// Ids order backups by creation, even those whose manifest (and its
	// finer creation time) cannot be read.
	sort.SliceStable(out, func(i, j int) bool { return idLess(out[j].ID, out[i].ID) })
	return out, nil
}

func inspect(dir, id string) Entry {
	e := Entry{ID: id}
	m, err := readManifest(filepath.Join(dir, id))
	if err != nil {
		e.Status, e.Detail = StatusUnreadable, err.Error()
		if t, perr := time.Parse(idLayout, id[:len(idLayout)]); perr == nil {
			e.CreatedAt = t
		}
		return e
	}
	e.Manifest = &m
	e.CreatedAt, e.Kind, e.Identity, e.Reason, e.Size = m.CreatedAt, string(m.Database.Kind), m.Database.Identity, m.Reason, m.Size()
	e.Status = StatusComplete
	if m.ID != id {
		e.Status, e.Detail = StatusDamaged, fmt.Sprintf("manifest names backup %s", m.ID)
		return e
	}
	for _, f := range m.Files {
		st, err := os.Stat(filepath.Join(dir, id, filepath.FromSlash(f.Path)))
		switch {
		case err != nil:
			e.Status, e.Detail = StatusDamaged, fmt.Sprintf("%s is missing", f.Path)
			return e
		case st.Size() != f.Size:
			e.Status, e.Detail = StatusDamaged, fmt.Sprintf("%s has %d bytes, manifest says %d", f.Path, st.Size(), f.Size)
			return e
		}
	}
	return e
}

// idLess orders ids by time, then by their collision suffix (-2 < -10).
func idLess(a, b string) bool {
	ab, as, _ := strings.Cut(a, "-")
	bb, bs, _ := strings.Cut(b, "-")
	if ab != bb {
		return ab < bb
	}
	an, _ := strconv.Atoi(as)
	bn, _ := strconv.Atoi(bs)
	return an < bn
}

// Latest is the reference that picks the newest backup.
const Latest = "latest"

// Find resolves a backup reference: an id, or "latest" for the newest
// backup of the database identity ("" for any) that is not a rollback
// safety backup. It returns ErrMissing when there is none, and ErrCorrupt
// when a backup newer than that one cannot be read (it may be this
// database's newest): latest never falls back to an older state.
func Find(dir, ref, identity string) (Manifest, error) {
	if ref == "" || ref == Latest {
		return findLatest(dir, identity)
	}
	if !isID(ref) {
		return Manifest{}, fmt.Errorf("%w: %q is not a backup id (such as 20261128T010455Z) or latest", ErrMissing, ref)
	}
	p := filepath.Join(dir, ref)
	if _, err := os.Stat(p); err != nil {
		return Manifest{}, fmt.Errorf("%w: backup %s not found in %s", ErrMissing, ref, dir)
	}
	m, err := readManifest(p)
	if err != nil {
		return Manifest{}, fmt.Errorf("%w: backup %s: %v", ErrCorrupt, ref, err)
	}
	if m.ID != ref {
		return Manifest{}, fmt.Errorf("%w: backup %s: manifest names backup %s", ErrCorrupt, ref, m.ID)
	}
	return m, nil
}

func findLatest(dir, identity string) (Manifest, error) {
	list, err := List(dir)
	if err != nil {
		return Manifest{}, err
	}
	for _, e := range list {
		if e.Status == StatusIncomplete {
			continue // never finished: not a backup
		}
		if e.Manifest == nil {
			return Manifest{}, fmt.Errorf("%w: backup %s, the newest in %s, cannot be read (%s); it may be the latest of this database: repair or remove it, or name an older backup by id",
				ErrCorrupt, e.ID, dir, e.Detail)
		}
		if e.Reason == ReasonSafety || identity != "" && !SameDatabase(*e.Manifest, identity) {
			continue
		}
		if e.Manifest.ID != e.ID {
			return Manifest{}, fmt.Errorf("%w: backup %s, the latest of this database: manifest names backup %s",
				ErrCorrupt, e.ID, e.Manifest.ID)
		}
		return *e.Manifest, nil
	}
	if identity == "" {
		return Manifest{}, fmt.Errorf("%w: no backup in %s", ErrMissing, dir)
	}
	return Manifest{}, fmt.Errorf("%w: no backup of %s in %s (dhmig backup makes one)", ErrMissing, identity, dir)
}

// SameDatabase reports whether a backup is of the database with this
// identity (database.Target.Identity); SQLite paths compare absolute with
// links resolved, so a file reached through a link is the same database.
func SameDatabase(m Manifest, identity string) bool {
	if m.Database.Identity == identity {
		return true
	}
	if m.Database.Kind == "sqlite" {
		a, err := realPath(identity)
		if err != nil {
			return false
		}
		b, err := realPath(m.Database.Identity)
		return err == nil && a == b
	}
	return false
}
