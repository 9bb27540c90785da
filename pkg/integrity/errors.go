package integrity

import "errors"

// ErrVerifyFailed means at least one error-severity check failed (exit 3).
var ErrVerifyFailed = errors.New("verification failed")
