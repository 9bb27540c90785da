// Package integrity owns dhmig's verification: one registry of checks, each
// with a stable id, run set-based against the auth schema and the legacy
// table on the executor it is handed.
package integrity
