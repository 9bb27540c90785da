package migration

import (
	"context"
	"errors"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
)

// Gate statuses.
const (
	GateOK      = "ok"
	GateSkipped = "skipped"
	GateMissing = "missing"
	GateStale   = "stale"
	GateCorrupt = "corrupt"
)

// GateOptions say where to look for the backup that must precede a write.
type GateOptions struct {
	// Skip disables the gate (--skip-backup-check); the run records it.
	Skip bool
	// Dir is the backup directory; Identity the database's
	// (database.Target.Identity).
	Dir      string
	Identity string
	// MaxAge is how old the newest verified backup may be.
	MaxAge time.Duration
	Now    time.Time
}

// Gate is what the backup gate found.
type Gate struct {
	Status          string     `json:"status"`
	BackupID        string     `json:"backup_id,omitempty"`
	BackupCreatedAt *time.Time `json:"backup_created_at,omitempty"`
	AgeSeconds      float64    `json:"age_seconds,omitempty"`
	MaxAgeSeconds   float64    `json:"max_age_seconds"`
	Message         string     `json:"message"`
}

// Passed reports whether a write may go ahead.
func (g Gate) Passed() bool { return g.Status == GateOK || g.Status == GateSkipped }

// CheckGate looks for a verified backup of the same database younger than
// MaxAge. The error (ErrMissing, ErrStale, ErrCorrupt from pkg/backup,
// exit 5) is returned with the Gate so a dry run can report it and go on.
func CheckGate(ctx context.Context, o GateOptions) (Gate, error) {
	g := Gate{MaxAgeSeconds: o.MaxAge.Seconds()}
	if o.Skip {
		g.Status, g.Message = GateSkipped, "backup check skipped (--skip-backup-check)"
		return g, nil
	}
	m, err := backup.LatestVerified(ctx, o.Dir, o.Identity, o.MaxAge, o.Now)
	switch {
	case err == nil:
		created := m.CreatedAt.UTC()
		g.Status, g.BackupID, g.BackupCreatedAt = GateOK, m.ID, &created
		g.AgeSeconds = o.Now.Sub(m.CreatedAt).Round(time.Second).Seconds()
		g.Message = "verified backup " + m.ID
		return g, nil
	case errors.Is(err, backup.ErrStale):
		g.Status = GateStale
	case errors.Is(err, backup.ErrCorrupt):
		g.Status = GateCorrupt
	case errors.Is(err, backup.ErrMissing):
		g.Status = GateMissing
	default:
		return g, err
	}
	g.Message = err.Error()
	return g, err
}
