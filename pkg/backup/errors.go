package backup

import "errors"

// Errors of an unusable backup; each maps to exit code 5.
var (
	ErrMissing = errors.New("no usable backup")
	ErrStale   = errors.New("backup too old")
	ErrCorrupt = errors.New("backup failed verification")
)
