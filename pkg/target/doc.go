// Package target owns the rule book: what a valid, canonical auth user is.
// Each rule — the characters trimmed, what case-insensitive means, the email
// rule, the length limits, the plausible timestamps, the known statuses and
// roles — is defined here once, as Go and as data. The copy and the
// preflight call the Go forms; verify's SQL forms (pkg/database) are built
// from the same data and held to the Go forms by tests on both engines.
//
// It also owns the targets (Profile): one definition per application
// schema dhmig can migrate into (guide.go, dhafnck.go) — its tables, column
// names, encodings, limits and login rules — which the copy, verify,
// metrics and the schema files all read. docs/targets.md says what a new
// target must define.
package target
