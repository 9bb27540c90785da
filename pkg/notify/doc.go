// Package notify owns the guide's post-migration letter (Step 2): which
// migrated users are written to (read from the target's user table, with
// its status names), the letter rendered from a text/template,
// the message built as RFC 5322 text, its delivery through SMTP or into an
// outbox directory, and the dhmig_notifications ledger that makes each user
// receive each letter at most once, across crashes and re-runs.
//
// The ledger's states: no row or "pending" (not sent yet; a temporary
// failure leaves this), "sending" (claimed just before the SMTP
// transaction; left so by a crash or a lost answer it is "in doubt"),
// "sent" (the server accepted it) and "failed" (the server refused it for
// good). Only pending users are sent by a plain run; RetryFailed adds the
// failed and the in-doubt ones.
package notify
