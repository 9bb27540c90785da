package cli

import "errors"

// reportedError is a failure whose result document is already on stdout (a
// check report, a token verdict): Main still maps it to an exit code and
// prints the message on stderr, but writes no second JSON document.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

// reported wraps err, if any, as already reported.
func reported(err error) error {
	if err == nil {
		return nil
	}
	return &reportedError{err: err}
}

func isReported(err error) bool {
	var re *reportedError
	return errors.As(err, &re)
}
