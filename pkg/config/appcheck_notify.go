package config

import (
	"net/mail"
	"net/url"
)

// notify checks the settings of dhmig notify's letter (the guide's
// post-migration Step 2). Unset is a warning, not an error: the app runs
// without them, but notify --execute refuses to send a letter whose links
// are missing.
func (a *appCheck) notify() {
	const support = "notify_support_email"
	switch s := a.get(support); {
	case s == "":
		a.add(support, VerdictWarning, "not set: dhmig notify needs it (or --support-email) for the letter's support address")
	case !plainAddress(s):
		a.add(support, VerdictError, "%q is not an email address", s)
	default:
		a.add(support, VerdictOK, "%s", s)
	}
	for _, key := range []string{"notify_guide_url", "notify_reset_url"} {
		raw := a.get(key)
		u, err := url.Parse(raw)
		switch {
		case raw == "":
			a.add(key, VerdictWarning, "not set: dhmig notify needs it (or --%s) for the letter's link", map[string]string{
				"notify_guide_url": "guide-url", "notify_reset_url": "reset-url"}[key])
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			a.add(key, VerdictError, "%q is not an absolute http(s) URL", raw)
		case u.Scheme == "http":
			a.add(key, VerdictWarning, "%s is not https: users would be sent to a page anyone on the path can alter", raw)
		default:
			a.add(key, VerdictOK, "%s", raw)
		}
	}
}

func plainAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}
