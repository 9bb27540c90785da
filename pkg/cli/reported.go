package cli

// reportedError marks a failure whose result the command has already
// written to stdout (a check report, a token verdict): Main still sets the
// exit code and prints the one-line reason to stderr, but does not add a
// second JSON document to stdout.
type reportedError struct{ error }

func (e reportedError) Unwrap() error { return e.error }

// reported wraps err, if any, as already reported.
func reported(err error) error {
	if err == nil {
		return nil
	}
	return reportedError{err}
}
