// Package target owns the rule book: what a valid, canonical auth user is.
// Each rule — the characters trimmed, what case-insensitive means, the email
// rule, the length limits, the plausible timestamps, the known statuses and
// roles — is defined here once, as Go and as data. The copy and the
// preflight call the Go forms; verify's SQL forms (pkg/database) are built
// from the same data and held to the Go forms by tests on both engines.
package target
