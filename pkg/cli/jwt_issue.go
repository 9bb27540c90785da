package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/token"
)

type jwtIssueOptions struct {
	UserID string
	Email  string
	Roles  []string
}

func newJWTIssueCmd(f *Factory) *cobra.Command {
	opts := jwtIssueOptions{}
	cmd := &cobra.Command{
		Use:   "issue",
		Short: "Print an access token signed with the configured secret",
		Long: `Print an access token signed like the app's: claims sub (--user-id), email,
roles, type=access, iat, exp (now + JWT_ACCESS_TOKEN_EXPIRE_MINUTES) and a random
jti. The token alone goes to stdout (so it can be captured); -o json adds its
claims. The secret is never printed. A secret that config check rates an
error (missing, a placeholder, too short, or guessable: see config check) is
refused with exit 2 and nothing is signed.`,
		Example: `  TOKEN=$(dhmig jwt issue --user-id test-user --email test@example.com --roles user)
  dhmig jwt verify "$TOKEN"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			if opts.UserID == "" {
				return usageErrorf("--user-id must not be empty")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			is, err := runJWTIssue(f, cfg, opts)
			if err != nil {
				return err
			}
			if format == output.JSON {
				return output.WriteJSON(f.IO.Out, is)
			}
			_, err = fmt.Fprintln(f.IO.Out, is.Token)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.UserID, "user-id", "", "the sub claim: the user's id (required)")
	cmd.Flags().StringVar(&opts.Email, "email", "", "the email claim")
	cmd.Flags().StringSliceVar(&opts.Roles, "roles", []string{"user"}, "the roles claim, comma-separated")
	_ = cmd.MarkFlagRequired("user-id")
	return cmd
}

func runJWTIssue(f *Factory, cfg *config.Config, opts jwtIssueOptions) (token.Issued, error) {
	keys, err := jwtKeys(cfg)
	if err != nil {
		return token.Issued{}, err
	}
	ttl, err := accessTTL(cfg)
	if err != nil {
		return token.Issued{}, err
	}
	// A token signed with a secret config check rejects would teach the
	// operator that the secret works; refuse it as a configuration error.
	for _, k := range cfg.CheckApp().Checks {
		if k.Key == "JWT_SECRET_KEY" && k.Status == config.VerdictError {
			return token.Issued{}, fmt.Errorf("%w: JWT_SECRET_KEY %s (dhmig config check explains; nothing was signed)", config.ErrInvalid, k.Detail)
		}
	}
	is, err := token.Issue(keys, token.IssueOptions{UserID: opts.UserID, Email: opts.Email, Roles: opts.Roles, TTL: ttl})
	if err != nil {
		return token.Issued{}, err
	}
	f.Logger().Info("issued access token", "algorithm", is.Algorithm, "jti", is.Claims.ID,
		"expires", is.Claims.ExpiresAt.UTC().Format(time.RFC3339))
	return is, nil
}
