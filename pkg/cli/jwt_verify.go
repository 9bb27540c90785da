package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/target"
	"github.com/dhafnckmcp/dhmig/pkg/token"
)

func newJWTVerifyCmd(f *Factory) *cobra.Command {
	var typ string
	cmd := &cobra.Command{
		Use:   "verify TOKEN",
		Short: "Say whether a token is valid, expired or forged, and print its claims",
		Long: `Verify a token with the configured secret (or public key) and algorithm and
print its verdict and claims. TOKEN "-" reads the token from standard input,
which keeps it out of the shell history and the process list.

Verdicts and exit codes, checked as the app's PyJWT checks them:
  valid      0  the signature verifies and the claims are those of an access token
  forged     3  the signature does not verify: altered, or signed with another key
                or algorithm; its claims are shown but marked unverified
  malformed  3  not a JWT at all
  expired    6  the signature verifies, exp has passed
  invalid    7  the signature verifies, but a claim or header is one the app
                rejects: exp, iat or nbf not a number, sub or jti not a string,
                exp missing, a crit header, a type other than access, no sub,
                issued in the future

With --target dhafnck the token is checked as the DhafnckMCP server's: signed
HS256, iss dhafnck-mcp, and for an access token aud mcp-server, a jti and a sub;
--type refresh checks one of its refresh tokens (type refresh, sub, jti,
family, version). A wrong or missing iss or aud, another type or a missing
claim is invalid (exit 7), and the reason names the claim.`,
		Example: `  dhmig jwt verify "$TOKEN"
  echo "$TOKEN" | dhmig jwt verify - -o json
  dhmig jwt verify --target dhafnck --type refresh "$REFRESH_TOKEN"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			raw := args[0]
			if raw == "-" {
				b, err := io.ReadAll(io.LimitReader(f.IO.In, 1<<20))
				if err != nil {
					return fmt.Errorf("read the token from stdin: %w", err)
				}
				raw = string(b)
			}
			if strings.TrimSpace(raw) == "" {
				return usageErrorf("the token is empty")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			p := cfg.Target()
			kind, err := tokenKind(p, typ)
			if err != nil {
				return err
			}
			keys, err := jwtKeys(cfg)
			if err != nil {
				return err
			}
			v := token.VerifyAs(keys, p.JWT, kind, raw, time.Now())
			if format == output.JSON {
				err = output.WriteJSON(f.IO.Out, v)
			} else {
				err = writeJWTVerify(f.IO.Out, p.JWT, v)
			}
			if err != nil {
				return err
			}
			return reported(v.Err())
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "the token type to expect: access (the default) or, for --target dhafnck, refresh")
	return cmd
}

// writeJWTVerify prints the verdict and the claims the target's tokens
// carry; the table writer escapes them (they are untrusted).
func writeJWTVerify(w io.Writer, rules target.JWT, v token.Verification) error {
	sig := "verified"
	if !v.SignatureVerified {
		sig = "NOT verified: the claims below cannot be trusted"
	}
	rows := [][]string{
		{"status", string(v.Status)},
		{"reason", v.Reason},
		{"algorithm", v.Algorithm},
		{"signature", sig},
	}
	if c := v.Claims; c != nil {
		version := ""
		if c.Version != nil {
			version = strconv.FormatInt(*c.Version, 10)
		}
		for _, r := range [][]string{
			{"sub", c.Subject},
			{"email", c.Email},
			{"roles", strings.Join(c.Roles, ",")},
			{"type", c.Type},
			{"iss", c.Issuer},
			{"aud", strings.Join(c.Audience, ",")},
			{"iat", numericDate(c.IssuedAt)},
			{"exp", expiry(v)},
			{"jti", c.ID},
			{"family", c.Family},
			{"version", version},
		} {
			if rules.Carries(r[0]) || r[0] == "sub" || r[0] == "type" || r[0] == "exp" {
				rows = append(rows, r)
			}
		}
	}
	return output.WriteTable(w, []string{"FIELD", "VALUE"}, rows)
}

func numericDate(d *jwt.NumericDate) string {
	if d == nil {
		return ""
	}
	return d.UTC().Format(time.RFC3339)
}

// expiry shows exp as a date, or in words when no date can show it
// (exp=1e300 is accepted by the app as never expiring).
func expiry(v token.Verification) string {
	if v.Claims.ExpiresAt == nil {
		return v.Expires
	}
	return numericDate(v.Claims.ExpiresAt)
}
