package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// LedgerTable records, per user and letter, what happened to the message.
const LedgerTable = "dhmig_notifications"

// The ledger's states (doc.go).
const (
	StatePending = "pending"
	StateSending = "sending"
	StateSent    = "sent"
	StateFailed  = "failed"
)

// ErrNoLedger means the schema predates dhmig_notifications (0005).
var ErrNoLedger = errors.New("dhmig_notifications does not exist: run dhmig schema up first")

// Entry is a user's ledger row for one letter.
type Entry struct {
	UserID        string     `db:"user_id" json:"user_id"`
	Status        string     `db:"status" json:"status"`
	Attempts      int        `db:"attempts" json:"attempts"`
	LastErrorCode *string    `db:"last_error_code" json:"last_error_code,omitempty"`
	LastError     *string    `db:"last_error" json:"last_error,omitempty"`
	MessageID     *string    `db:"message_id" json:"message_id,omitempty"`
	SentAt        *time.Time `db:"sent_at" json:"sent_at,omitempty"`
}

// ledger reads and writes dhmig_notifications for one letter.
type ledger struct {
	ex    database.Executor
	d     database.Core
	sha   string
	runID string
	now   func() time.Time
}

// hasLedger reports whether dhmig_notifications exists.
func hasLedger(ctx context.Context, q sqlx.QueryerContext, d database.Core) error {
	ok, err := database.TableExists(ctx, d, q, LedgerTable)
	if err != nil {
		return fmt.Errorf("look for %s: %w", LedgerTable, err)
	}
	if !ok {
		return ErrNoLedger
	}
	return nil
}

// entries returns the letter's ledger rows by user id.
func entries(ctx context.Context, q database.Executor, sha string) (map[string]Entry, error) {
	var rows []Entry
	if err := sqlx.SelectContext(ctx, q, &rows, q.Rebind(`SELECT user_id, status, attempts, last_error_code, last_error,
		message_id, sent_at FROM `+LedgerTable+` WHERE template_sha256 = ?`), sha); err != nil {
		return nil, fmt.Errorf("read %s: %w", LedgerTable, err)
	}
	out := make(map[string]Entry, len(rows))
	for _, r := range rows {
		out[r.UserID] = r
	}
	return out, nil
}

// claim marks a user's message as being sent, before any byte goes to the
// server. It succeeds only from a state the run may send from (pending, or
// with retry also failed and in doubt), so two runs never both claim one
// user; false means another run has it or it is settled.
func (l *ledger) claim(ctx context.Context, userID, messageID string, retry bool) (bool, error) {
	now := l.d.Timestamp(l.now())
	res, err := l.ex.ExecContext(ctx, l.ex.Rebind(`INSERT INTO `+LedgerTable+` (user_id, template_sha256, status, attempts,
		message_id, run_id, updated_at) VALUES (?, ?, '`+StateSending+`', 1, ?, ?, ?) ON CONFLICT DO NOTHING`),
		userID, l.sha, messageID, l.runID, now)
	if err != nil {
		return false, fmt.Errorf("claim in %s: %w", LedgerTable, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	from := `'` + StatePending + `'`
	if retry {
		from += `, '` + StateFailed + `', '` + StateSending + `'`
	}
	res, err = l.ex.ExecContext(ctx, l.ex.Rebind(`UPDATE `+LedgerTable+` SET status = '`+StateSending+`',
		attempts = attempts + 1, message_id = ?, run_id = ?, updated_at = ?
		WHERE user_id = ? AND template_sha256 = ? AND status IN (`+from+`)`),
		messageID, l.runID, now, userID, l.sha)
	if err != nil {
		return false, fmt.Errorf("claim in %s: %w", LedgerTable, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// settle records the server's answer to a claimed message. An in-doubt
// answer keeps the row "sending": only the error is noted.
func (l *ledger) settle(ctx context.Context, userID string, v verdict) error {
	now := l.now()
	var err error
	switch v.kind {
	case delivered:
		_, err = l.ex.ExecContext(ctx, l.ex.Rebind(`UPDATE `+LedgerTable+` SET status = '`+StateSent+`', sent_at = ?,
			updated_at = ?, last_error_code = NULL, last_error = NULL WHERE user_id = ? AND template_sha256 = ?`),
			l.d.Timestamp(now), l.d.Timestamp(now), userID, l.sha)
	default:
		status := map[verdictKind]string{permanent: StateFailed, temporary: StatePending, inDoubt: StateSending}[v.kind]
		_, err = l.ex.ExecContext(ctx, l.ex.Rebind(`UPDATE `+LedgerTable+` SET status = ?, updated_at = ?,
			last_error_code = ?, last_error = ? WHERE user_id = ? AND template_sha256 = ?`),
			status, l.d.Timestamp(now), v.code, v.text, userID, l.sha)
	}
	if err != nil {
		return fmt.Errorf("record the answer in %s: %w", LedgerTable, err)
	}
	return nil
}
