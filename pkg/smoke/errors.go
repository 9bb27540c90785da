package smoke

import (
	"errors"
	"fmt"
)

// ErrFailed means a smoke step failed or a load gate was breached: the
// command's report says which (exit 3).
var ErrFailed = errors.New("smoke check failed")

// ErrGateBreached is a load test whose figures breach --max-p95 or
// --max-error-rate.
var ErrGateBreached = fmt.Errorf("%w: load gate breached", ErrFailed)

// ErrLoginRefused is login-check's verdict that the app would refuse the
// login (exit 3, like ErrFailed).
var ErrLoginRefused = errors.New("the app would refuse this login")

// ErrUnreachable means the server could not be reached at all (no
// connection: refused, no route, unknown host), as opposed to a server that
// answered wrongly.
var ErrUnreachable = errors.New("server unreachable")

// ErrNoAuthSchema means auth_users does not exist.
var ErrNoAuthSchema = errors.New("auth_users does not exist (run dhmig migrate first)")
