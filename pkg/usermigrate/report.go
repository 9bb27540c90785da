package usermigrate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// RejectLine is one line of the rejects report (NDJSON). It names the row
// and the reason, never a value: no email, username, hash or password.
type RejectLine struct {
	// LegacyID is the legacy row's id as text (null when the id is NULL).
	LegacyID *string `json:"legacy_id"`
	Code     string  `json:"code"`
	Field    string  `json:"field"`
	// HashScheme names the unsupported scheme (UNSUPPORTED_HASH only).
	HashScheme string `json:"hash_scheme,omitempty"`
	// ConflictsWith is legacy_users (another source row) or the target's
	// user table, auth_users or users (CONFLICT_* only).
	ConflictsWith string `json:"conflicts_with,omitempty"`
	RunID         string `json:"run_id"`
}

type reportWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func newReportWriter(w io.Writer) *reportWriter {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &reportWriter{w: bw, enc: enc}
}

func (r *reportWriter) write(l RejectLine) error {
	if err := r.enc.Encode(l); err != nil {
		return fmt.Errorf("write rejects report: %w", err)
	}
	return nil
}

func (r *reportWriter) flush() error {
	if err := r.w.Flush(); err != nil {
		return fmt.Errorf("write rejects report: %w", err)
	}
	return nil
}

// ReportFile is a rejects report on disk. The file is created on the first
// write, mode 0600 (its directory 0700 when missing), so a run without
// rejects leaves no empty file behind; an existing file is replaced.
type ReportFile struct {
	path string
	f    *os.File
}

// NewReportFile names the report's path without creating it.
func NewReportFile(path string) *ReportFile { return &ReportFile{path: path} }

// Path is where the report is (or would be) written.
func (r *ReportFile) Path() string { return r.path }

// Created reports whether anything was written.
func (r *ReportFile) Created() bool { return r.f != nil }

func (r *ReportFile) Write(p []byte) (int, error) {
	if r.f == nil {
		if dir := filepath.Dir(r.path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return 0, fmt.Errorf("rejects report directory: %w", err)
			}
		}
		f, err := os.OpenFile(r.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return 0, fmt.Errorf("create rejects report: %w", err)
		}
		if err := f.Chmod(0o600); err != nil { // an existing file keeps its mode otherwise
			f.Close()
			return 0, fmt.Errorf("rejects report mode: %w", err)
		}
		r.f = f
	}
	return r.f.Write(p)
}

// Close closes the file if it was created.
func (r *ReportFile) Close() error {
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}
