package smoke

// Status is the outcome of one smoke step or login-check check.
type Status string

// The outcomes.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	// StatusSkip: not run, because an earlier step failed or the input
	// it needs is missing; Detail says which.
	StatusSkip Status = "skip"
)
