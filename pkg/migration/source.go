package migration

import (
	"context"
	"log/slog"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// SourceRead is the database the legacy table was read from when it is
// not the target (--source-url), and what was read there.
type SourceRead struct {
	// Display is the source's URL, password redacted; empty when the
	// legacy table was read in the target.
	Display string
	// Rows identifies the legacy rows read (their count and checksum), as
	// the audit trail records them: the source is in no backup. Only
	// migrate takes it.
	Rows *backup.SourceInfo
}

// openSource begins the read-only snapshot of a source database; nil when
// there is none.
func openSource(ctx context.Context, src *database.DB) (*database.Snapshot, func(), error) {
	if src == nil {
		return nil, func() {}, nil
	}
	snap, err := src.Snapshot(ctx)
	if err != nil {
		return nil, func() {}, err
	}
	return snap, func() { _ = snap.Close() }, nil
}

// readSource fingerprints the legacy rows of the snapshot; a failure is
// only logged: the run goes on without the checksum.
func readSource(ctx context.Context, snap *database.Snapshot, users usermigrate.Options, log *slog.Logger) SourceRead {
	fp, err := usermigrate.TakeFingerprint(ctx, snap, users.SourceTable, users.Columns)
	if err != nil {
		log.Warn("source database: no checksum of its legacy rows", "source", snap.Target.Redacted(), "error", err.Error())
		fp = usermigrate.Fingerprint{Kind: snap.Target.Kind, Identity: snap.Target.Identity(), Display: snap.Target.Redacted(), Table: users.SourceTable}
	}
	return SourceRead{Display: snap.Target.Redacted(), Rows: &backup.SourceInfo{Kind: fp.Kind, Identity: fp.Identity,
		Display: fp.Display, Table: fp.Table, Rows: fp.Rows, SHA256: fp.SHA256}}
}
