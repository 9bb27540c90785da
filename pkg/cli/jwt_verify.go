package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/token"
)

func newJWTVerifyCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
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
                issued in the future`,
		Example: `  dhmig jwt verify "$TOKEN"
  echo "$TOKEN" | dhmig jwt verify - -o json`,
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
			keys, err := jwtKeys(cfg)
			if err != nil {
				return err
			}
			v := token.Verify(keys, raw, time.Now())
			if format == output.JSON {
				err = output.WriteJSON(f.IO.Out, v)
			} else {
				err = writeJWTVerify(f.IO.Out, v)
			}
			if err != nil {
				return err
			}
			return reported(v.Err())
		},
	}
}

func writeJWTVerify(w io.Writer, v token.Verification) error {
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
		rows = append(rows,
			[]string{"sub", c.Subject},
			[]string{"email", c.Email},
			[]string{"roles", strings.Join(c.Roles, ",")},
			[]string{"type", c.Type},
			[]string{"iat", numericDate(c.IssuedAt)},
			[]string{"exp", expiry(v)},
			[]string{"jti", c.ID},
		)
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
