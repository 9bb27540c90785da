package usermigrate

import "errors"

// ErrRejected means rows were rejected under a fail policy, so nothing was
// written (exit 3).
var ErrRejected = errors.New("legacy rows rejected")

// ErrNoSchema means the auth tables do not exist yet.
var ErrNoSchema = errors.New("the auth schema is not applied: run `dhmig schema up` first")
