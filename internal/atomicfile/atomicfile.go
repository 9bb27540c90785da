// Package atomicfile replaces files so that a reader, or a crash, sees the
// old content or the new, never a part: the new content goes to a temporary
// file beside the target, is flushed, and is renamed over it; the directory
// is flushed after the rename.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Pending is a new file on its way to replacing Path. Write into it, then
// Commit (or CommitNew); Discard removes it unless it was committed, so
// defer Discard right after Create.
type Pending struct {
	*os.File
	// Path is the file this one replaces.
	Path         string
	closed, done bool
}

// Create starts a file that will replace path, with mode perm from the
// first byte on (a secret is never readable by others, not even briefly).
// Its temporary name, .<base>.dhmig-tmp-*, sits in path's directory (one
// file system, so the rename is atomic) and ends in no known extension.
func Create(path string, perm os.FileMode) (*Pending, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".dhmig-tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create a file next to %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("chmod %s: %w", f.Name(), err)
	}
	return &Pending{File: f, Path: path}, nil
}

// Flush syncs and closes the temporary file, which keeps its name until
// Commit: a caller may still change its owner or check it.
func (p *Pending) Flush() error {
	if p.closed {
		return nil
	}
	p.closed = true
	if err := p.Sync(); err != nil {
		p.File.Close()
		return fmt.Errorf("sync %s: %w", p.Name(), err)
	}
	if err := p.File.Close(); err != nil {
		return fmt.Errorf("close %s: %w", p.Name(), err)
	}
	return nil
}

// Commit flushes the file, renames it over Path and flushes the directory.
func (p *Pending) Commit() error {
	if err := p.Flush(); err != nil {
		return err
	}
	if err := os.Rename(p.Name(), p.Path); err != nil {
		return fmt.Errorf("replace %s: %w", p.Path, err)
	}
	p.done = true
	return SyncDir(filepath.Dir(p.Path))
}

// CommitNew is Commit for a file that must not exist yet: a hard link never
// replaces one, so another writer's file is never overwritten. An existing
// Path returns an error wrapping fs.ErrExist and leaves it alone.
func (p *Pending) CommitNew() error {
	if err := p.Flush(); err != nil {
		return err
	}
	if err := os.Link(p.Name(), p.Path); err != nil {
		return err
	}
	os.Remove(p.Name())
	p.done = true
	return SyncDir(filepath.Dir(p.Path))
}

// Discard removes the temporary file unless it was committed.
func (p *Pending) Discard() {
	if p.done {
		return
	}
	if !p.closed {
		p.File.Close()
	}
	os.Remove(p.Name())
	p.done = true
}

// WriteFile replaces path with data, mode perm, atomically.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	p, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer p.Discard()
	if _, err := p.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", p.Name(), err)
	}
	return p.Commit()
}

// SyncDir flushes a directory's entries (a create or a rename) to disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	syncErr := d.Sync()
	return errors.Join(syncErr, d.Close())
}
