package config

import "errors"

// ErrInvalid marks a configuration error: a bad URL, value or file. The CLI
// maps it to exit code 2.
var ErrInvalid = errors.New("invalid configuration")
