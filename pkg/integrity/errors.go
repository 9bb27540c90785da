package integrity

import "errors"

// ErrVerifyFailed means at least one error-severity check failed (exit 3).
var ErrVerifyFailed = errors.New("verification failed")

// ErrUnknownCheck means Options named a check id the registry does not have.
var ErrUnknownCheck = errors.New("unknown check id")

// ErrBadOptions means Options are unusable (an invalid identifier, an empty
// list of known values).
var ErrBadOptions = errors.New("invalid verify options")
