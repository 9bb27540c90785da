package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/backup"
	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/integrity"
	"github.com/dhafnckmcp/dhmig/pkg/notify"
	"github.com/dhafnckmcp/dhmig/pkg/schema"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
	"github.com/dhafnckmcp/dhmig/pkg/token"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

// Exit codes of DESIGN.md.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitVerify      = 3
	ExitLockHeld    = 4
	ExitBackupUnfit = 5
	// ExitTokenExpired and ExitTokenInvalid are jwt verify's: a token
	// signed with the right key that has expired, or whose claims the app
	// rejects, apart from one that cannot be trusted at all (exit 3).
	ExitTokenExpired = 6
	ExitTokenInvalid = 7
)

// ExitCode maps an error returned by a command to dhmig's exit code and a
// stable kind for JSON errors. It is the only place that does so.
func ExitCode(err error) (int, string) {
	var ue *UsageError
	switch {
	case err == nil:
		return ExitOK, ""
	case errors.As(err, &ue), errors.Is(err, config.ErrInvalid), errors.Is(err, schema.ErrOtherTarget):
		return ExitUsage, "usage"
	case errors.Is(err, token.ErrExpired):
		return ExitTokenExpired, "token_expired"
	case errors.Is(err, token.ErrInvalidClaims):
		return ExitTokenInvalid, "token_invalid"
	case errors.Is(err, integrity.ErrVerifyFailed), errors.Is(err, usermigrate.ErrRejected), errors.Is(err, token.ErrNotValid),
		errors.Is(err, smoke.ErrFailed), errors.Is(err, smoke.ErrLoginRefused):
		return ExitVerify, "verify_failed"
	case errors.Is(err, smoke.ErrUnreachable):
		return ExitError, "unreachable"
	case errors.Is(err, notify.ErrRecipientsFailed):
		return ExitVerify, "recipients_failed"
	case errors.Is(err, database.ErrLockHeld):
		return ExitLockHeld, "lock_held"
	case errors.Is(err, backup.ErrMissing), errors.Is(err, backup.ErrStale), errors.Is(err, backup.ErrCorrupt):
		return ExitBackupUnfit, "backup_unfit"
	case errors.Is(err, context.Canceled):
		return ExitError, "interrupted"
	default:
		return ExitError, "error"
	}
}

// isCobraUsage recognises cobra's own argument and command errors, which
// are plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires ",
		"invalid argument", "flag needs an argument", "required flag", "if any flags in the group"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
