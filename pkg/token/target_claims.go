package token

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// readTargetClaims reads iss, aud, family and version, where the target's
// tokens carry them, with the types its application writes and PyJWT
// accepts: iss and family strings, aud a string or a list of strings,
// version a whole number.
func readTargetClaims(c *Claims, mc jwt.MapClaims, rules target.JWT) string {
	for _, name := range []string{"iss", "family"} {
		val, ok := mc[name]
		if !ok || !rules.Carries(name) {
			continue
		}
		s, ok := val.(string)
		if !ok {
			return fmt.Sprintf("the %s claim must be a string, not %s", name, describe(val))
		}
		if name == "iss" {
			c.Issuer = s
		} else {
			c.Family = s
		}
	}
	if val, ok := mc["aud"]; ok && rules.Carries("aud") {
		aud, ok := audience(val)
		if !ok {
			return fmt.Sprintf("the aud claim must be a string or a list of strings, not %s", describe(val))
		}
		c.Audience = aud
	}
	if val, ok := mc["version"]; ok && rules.Carries("version") {
		n, isNum := val.(json.Number)
		i, err := n.Int64()
		if !isNum || err != nil {
			return fmt.Sprintf("the version claim must be a whole number, not %s", describe(val))
		}
		c.Version = &i
	}
	return ""
}

func audience(val any) (jwt.ClaimStrings, bool) {
	switch a := val.(type) {
	case string:
		return jwt.ClaimStrings{a}, true
	case []any:
		out := make(jwt.ClaimStrings, 0, len(a))
		for _, e := range a {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// checkClaims judges a correctly signed, current token by the target's
// rules: the issuer, then the type (a token of another kind is named as
// such, before its missing audience), the audience, and the claims the
// kind requires.
func checkClaims(v Verification, rules target.JWT, kind target.TokenKind, mc jwt.MapClaims, exp float64) Verification {
	if reason := claimProblem(v.Claims, rules, kind, mc); reason != "" {
		v.Status, v.Reason = Invalid, reason
		return v
	}
	v.Status, v.Valid = Valid, true
	v.Reason = fmt.Sprintf("signature verifies with the configured %s key; expires %s", v.Algorithm, expiryText(v.Claims, exp))
	return v
}

func claimProblem(c *Claims, rules target.JWT, kind target.TokenKind, mc jwt.MapClaims) string {
	if rules.Issuer != "" {
		if _, ok := mc["iss"]; !ok {
			return fmt.Sprintf("the iss claim is missing: the target's tokens are issued by %q", rules.Issuer)
		}
		if c.Issuer != rules.Issuer {
			return fmt.Sprintf("the iss claim is %s, not %q: a token of another issuer", quote(c.Issuer), rules.Issuer)
		}
	}
	if c.Type != kind.Type {
		reason := fmt.Sprintf("type claim is %s, not %q", quote(c.Type), kind.Type)
		if _, err := rules.Kind(c.Type); err == nil {
			reason += fmt.Sprintf(": one of the target's %s tokens, to verify as type %s", c.Type, c.Type)
		}
		return reason
	}
	if kind.Audience != "" {
		if _, ok := mc["aud"]; !ok {
			return fmt.Sprintf("the aud claim is missing: the target's %s tokens are for audience %q", kind.Type, kind.Audience)
		}
		if !slices.Contains(c.Audience, kind.Audience) {
			return fmt.Sprintf("the aud claim is %s, not %q", quote(strings.Join(c.Audience, ",")), kind.Audience)
		}
	}
	for _, name := range kind.Required {
		if !c.has(name, mc) {
			return fmt.Sprintf("the %s claim (%s) is missing", name, claimMeaning[name])
		}
	}
	return ""
}

// maxQuoted is how much of an untrusted claim a reason quotes.
const maxQuoted = 64

// quote quotes an untrusted claim value for a reason: Go-escaped, and cut
// short, so that no control character and no long value reaches a message.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}
