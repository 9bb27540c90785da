// Package smoke owns the proof that migrated users can really log in, from
// both sides: against the running server (Run: the guide's Step 6 login,
// offline token check, protected endpoint, tampered and expired tokens,
// refresh; Load: concurrent logins with latency figures and a CI gate), and
// offline against the database (Check: would the app let this user log in,
// and if not, why, by the target's login rules). It speaks the guide's API
// contract over HTTP, reads the target's user table (auth_users for Run)
// through the dialect it is handed, and never prints a password, a hash or
// a token.
package smoke
