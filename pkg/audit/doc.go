// Package audit owns dhmig's audit trail: one dhmig_runs row per command that
// wrote (or tried to), with its outcome, counts, backup id, dhmig version and
// OS user, and the listing `dhmig history` prints.
package audit
