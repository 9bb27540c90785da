// Package cli builds dhmig's command tree: one file per command, each a
// constructor binding flags into an options struct and a run function that
// calls into the packages under pkg/. It is the only package that reads
// flags, the environment and the process's streams (through the Factory).
package cli
