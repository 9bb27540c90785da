// Package cli builds dhmig's command tree: one file per command, each a
// constructor binding flags into an options struct and a run function that
// calls into the packages under pkg/. A constructor that takes a runF runs
// it instead of the run function when it is not nil (tests do), so that
// how flags become options is tested without a database. It is the only
// package that reads flags, the environment and the process's streams
// (through the Factory).
package cli
