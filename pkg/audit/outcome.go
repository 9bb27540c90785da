package audit

// Outcome is how a run, or one step of it, ended: the one vocabulary of
// dhmig_runs, the logs and the commands' JSON results. The strings are
// part of those documented shapes and never change.
type Outcome string

// How a writing command ended, as dhmig_runs records it.
const (
	OutcomeOK          Outcome = "ok"
	OutcomeDryRun      Outcome = "dry-run"
	OutcomeFailed      Outcome = "failed"
	OutcomeRejected    Outcome = "rejected"
	OutcomeVerifyFail  Outcome = "verify-failed"
	OutcomeInterrupted Outcome = "interrupted"
	// OutcomePartial: notify sent some messages and not others (refused
	// or deferred recipients); the details say how many of each.
	OutcomePartial Outcome = "partial"
)

// How the migrate transaction ended (migration.Result), besides
// OutcomeDryRun, OutcomeRejected and OutcomeVerifyFail.
const (
	OutcomeCommitted  Outcome = "committed"
	OutcomeGateFailed Outcome = "backup-gate-failed"
	OutcomeRolledBack Outcome = "rolled-back"
)

// How the user copy ended (usermigrate.Result), besides OutcomeRejected.
// A copy stopped by a cancelled context is OutcomeCancelled there; the
// command that ran it records OutcomeInterrupted.
const (
	OutcomeMigrated  Outcome = "migrated"
	OutcomeNothing   Outcome = "nothing_to_migrate"
	OutcomeCancelled Outcome = "cancelled"
)
