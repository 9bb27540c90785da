package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Table is where runs are recorded.
const Table = "dhmig_runs"

// Run is one writing command's audit record.
type Run struct {
	ID           string            `json:"id" db:"id"`
	Command      string            `json:"command" db:"command"`
	StartedAt    time.Time         `json:"started_at" db:"started_at"`
	FinishedAt   *time.Time        `json:"finished_at,omitempty" db:"finished_at"`
	Outcome      Outcome           `json:"outcome" db:"outcome"`
	DryRun       bool              `json:"dry_run" db:"dry_run"`
	RowsRead     int64             `json:"rows_read" db:"rows_read"`
	RowsMigrated int64             `json:"rows_migrated" db:"rows_migrated"`
	RowsRejected int64             `json:"rows_rejected" db:"rows_rejected"`
	BackupID     *string           `json:"backup_id,omitempty" db:"backup_id"`
	Version      string            `json:"dhmig_version" db:"dhmig_version"`
	OSUser       string            `json:"os_user" db:"os_user"`
	Details      map[string]string `json:"details,omitempty" db:"-"`
	DetailsJSON  *string           `json:"-" db:"details"`
}

// Record writes a run. It returns false without error when the audit table
// does not exist (before `schema up`, after `schema down`, or after a dry
// run rolled the schema back): the migration log then holds the record.
func Record(ctx context.Context, ex database.Executor, d database.Core, r Run) (bool, error) {
	ok, err := database.TableExists(ctx, d, ex, Table)
	if err != nil || !ok {
		return false, err
	}
	var details any
	if len(r.Details) > 0 {
		b, _ := json.Marshal(r.Details)
		details = string(b)
	}
	var finished any
	if r.FinishedAt != nil {
		finished = d.Timestamp(*r.FinishedAt)
	}
	_, err = ex.ExecContext(ctx, ex.Rebind(`INSERT INTO `+Table+` (id, command, started_at, finished_at, outcome, dry_run,
		rows_read, rows_migrated, rows_rejected, backup_id, dhmig_version, os_user, details)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.ID, r.Command, d.Timestamp(r.StartedAt), finished, r.Outcome, d.Bool(r.DryRun),
		r.RowsRead, r.RowsMigrated, r.RowsRejected, r.BackupID, r.Version, r.OSUser, details)
	if err != nil {
		return false, fmt.Errorf("record run %s in %s: %w", r.ID, Table, err)
	}
	return true, nil
}

// List returns the newest runs first, at most limit (0 = all). No audit
// table means no runs.
func List(ctx context.Context, q sqlx.QueryerContext, d database.Core, limit int) ([]Run, error) {
	ok, err := database.TableExists(ctx, d, q, Table)
	if err != nil || !ok {
		return []Run{}, err
	}
	query := `SELECT id, command, started_at, finished_at, outcome, dry_run, rows_read, rows_migrated, rows_rejected,
		backup_id, dhmig_version, os_user, details FROM ` + Table + ` ORDER BY started_at DESC, id DESC`
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	runs := []Run{}
	if err := sqlx.SelectContext(ctx, q, &runs, query); err != nil {
		return nil, fmt.Errorf("read %s: %w", Table, err)
	}
	for i := range runs {
		runs[i].StartedAt = runs[i].StartedAt.UTC()
		if runs[i].FinishedAt != nil {
			t := runs[i].FinishedAt.UTC()
			runs[i].FinishedAt = &t
		}
		if runs[i].DetailsJSON != nil {
			_ = json.Unmarshal([]byte(*runs[i].DetailsJSON), &runs[i].Details)
		}
	}
	return runs, nil
}

// NewRunID returns a time-ordered UUID (v7), so ids sort by start time.
func NewRunID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}
