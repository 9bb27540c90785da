package schema

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Version states reported by Status.
const (
	StateApplied = "applied"
	StatePending = "pending"
	// StateDrift: applied, but the file's checksum changed since.
	StateDrift = "drift"
	// StateUnknown: recorded as applied, but no file of this dhmig has it.
	StateUnknown = "unknown"
)

// VersionStatus is one version as the database and the files see it.
type VersionStatus struct {
	Version         int        `json:"version"`
	Name            string     `json:"name"`
	State           string     `json:"state"`
	Checksum        string     `json:"checksum"`
	AppliedChecksum string     `json:"applied_checksum,omitempty"`
	AppliedAt       *time.Time `json:"applied_at,omitempty"`
	DurationMS      *int64     `json:"duration_ms,omitempty"`
}

// Status is the schema's state in one database.
type Status struct {
	Dialect  string          `json:"dialect"`
	Current  int             `json:"current_version"`
	Latest   int             `json:"latest_version"`
	Pending  int             `json:"pending"`
	Drift    bool            `json:"drift"`
	Versions []VersionStatus `json:"versions"`
}

// Status compares the files with the history table.
func (m *Migrator) Status(ctx context.Context, q sqlx.QueryerContext) (Status, error) {
	applied, err := m.applied(ctx, q)
	if err != nil {
		return Status{}, err
	}
	if err := m.sameTarget(applied); err != nil {
		return Status{}, err
	}
	st := Status{Dialect: string(m.dialect.Kind()), Latest: m.Latest(), Versions: []VersionStatus{}}
	known := map[int]bool{}
	for _, mig := range m.migrations {
		known[mig.Version] = true
		vs := VersionStatus{Version: mig.Version, Name: mig.Name, Checksum: mig.Checksum, State: StatePending}
		if a, ok := applied[mig.Version]; ok {
			at, dur := a.AppliedAt.UTC(), a.DurationMS
			vs.AppliedAt, vs.DurationMS, vs.AppliedChecksum = &at, &dur, a.Checksum
			vs.State = StateApplied
			if a.Checksum != mig.Checksum {
				vs.State, st.Drift = StateDrift, true
			}
		} else {
			st.Pending++
		}
		st.Versions = append(st.Versions, vs)
	}
	for v, a := range applied {
		if !known[v] {
			at, dur := a.AppliedAt.UTC(), a.DurationMS
			st.Versions = append(st.Versions, VersionStatus{Version: v, Name: a.Name, State: StateUnknown,
				AppliedChecksum: a.Checksum, AppliedAt: &at, DurationMS: &dur})
			st.Drift = true
		}
	}
	for v := range applied {
		if v > st.Current {
			st.Current = v
		}
	}
	return st, nil
}
