package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/target"
	"github.com/dhafnckmcp/dhmig/pkg/token"
)

type jwtIssueOptions struct {
	UserID  string
	Email   string
	Roles   []string
	Type    string
	Family  string
	Version int64
	// set are the flags given on the command line.
	set map[string]bool

	// Set by RunE from the root's flags.
	output output.Format
	config func() (*config.Config, error)
}

// newJWTIssueCmd signs a token. runF, when not nil, runs instead with the
// options the flags built.
func newJWTIssueCmd(f *Factory, runF func(*jwtIssueOptions) error) *cobra.Command {
	opts := jwtIssueOptions{config: f.Config}
	cmd := &cobra.Command{
		Use:   "issue",
		Short: "Print an access token signed with the configured secret",
		Long: `Print an access token signed like the app's: claims sub (--user-id), email,
roles, type=access, iat, exp (now + JWT_ACCESS_TOKEN_EXPIRE_MINUTES) and a random
jti. The token alone goes to stdout (so it can be captured); -o json adds its
claims. The secret is never printed. A secret that config check rates an
error (missing, a placeholder, too short, or guessable: see config check) is
refused with exit 2 and nothing is signed.

With --target dhafnck the token is the DhafnckMCP server's: claims sub, email,
roles, type, aud=mcp-server, iat, exp (15 minutes, the server's fixed
lifetime), iss=dhafnck-mcp and a 32-hex-digit jti, signed HS256. --type
refresh issues its refresh token instead: sub, type=refresh, family (--family,
or a fresh one), version (--version), iat, exp (30 days), iss and jti; the
server refreshes only when family is the user's refresh_token_family and
version is not below their refresh_token_version.`,
		Example: `  TOKEN=$(dhmig jwt issue --user-id test-user --email test@example.com --roles user)
  dhmig jwt verify "$TOKEN"
  dhmig jwt issue --target dhafnck --type refresh --user-id "$USER_ID" --family "$FAMILY" --version 2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.output, err = f.Format(output.Table, output.JSON); err != nil {
				return err
			}
			if opts.UserID == "" {
				return usageErrorf("--user-id must not be empty")
			}
			if opts.Version < 0 {
				return usageErrorf("--version must not be negative")
			}
			opts.set = map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { opts.set[fl.Name] = true })
			if runF != nil {
				return runF(&opts)
			}
			return runJWTIssue(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.UserID, "user-id", "", "the sub claim: the user's id (required)")
	cmd.Flags().StringVar(&opts.Email, "email", "", "the email claim")
	cmd.Flags().StringSliceVar(&opts.Roles, "roles", []string{"user"}, "the roles claim, comma-separated")
	cmd.Flags().StringVar(&opts.Type, "type", "", "the token type: access (the default) or, for --target dhafnck, refresh")
	cmd.Flags().StringVar(&opts.Family, "family", "", "a refresh token's family claim: the user's refresh_token_family (default: a fresh one)")
	cmd.Flags().Int64Var(&opts.Version, "version", 0, "a refresh token's version claim: the user's refresh_token_version")
	_ = cmd.MarkFlagRequired("user-id")
	return cmd
}

// issueClaimFlags are the flags that set a claim a kind may not carry.
var issueClaimFlags = map[string]string{"email": "email", "roles": "roles", "family": "family", "version": "version"}

func runJWTIssue(f *Factory, opts jwtIssueOptions) error {
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	is, err := issueJWT(f, cfg, opts)
	if err != nil {
		return err
	}
	if opts.output == output.JSON {
		return output.WriteJSON(f.IO.Out, is)
	}
	_, err = fmt.Fprintln(f.IO.Out, is.Token)
	return err
}

// issueJWT signs the token the options describe with the configured key.
func issueJWT(f *Factory, cfg *config.Config, opts jwtIssueOptions) (token.Issued, error) {
	p := cfg.Target()
	kind, err := tokenKind(p, opts.Type)
	if err != nil {
		return token.Issued{}, err
	}
	for flag, claim := range issueClaimFlags {
		if opts.set[flag] && !kind.Carries(claim) {
			return token.Issued{}, usageErrorf("--%s: the %s target's %s tokens carry no %s claim", flag, p.Name, kind.Type, claim)
		}
	}
	keys, err := jwtKeys(cfg)
	if err != nil {
		return token.Issued{}, err
	}
	ttl, err := issueTTL(f, cfg, p, kind)
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
	is, err := token.IssueAs(keys, p.JWT, kind, token.IssueOptions{UserID: opts.UserID, Email: opts.Email, Roles: opts.Roles,
		TTL: ttl, Family: opts.Family, Version: opts.Version})
	if err != nil {
		return token.Issued{}, err
	}
	f.Logger().Info("issued "+kind.Type+" token", "algorithm", is.Algorithm, "jti", is.Claims.ID,
		"expires", is.Claims.ExpiresAt.UTC().Format(time.RFC3339))
	return is, nil
}

// issueTTL is the lifetime the target's application gives the kind, or
// JWT_ACCESS_TOKEN_EXPIRE_MINUTES when it follows the configuration. A
// lifetime configured for an application that ignores it is worth a
// warning: the token will not last what the operator set.
func issueTTL(f *Factory, cfg *config.Config, p *target.Profile, kind target.TokenKind) (time.Duration, error) {
	if kind.TTL == 0 {
		return accessTTL(cfg)
	}
	if kind.Type == token.AccessType && cfg.Source("jwt_access_token_expire_minutes").Layer != "default" {
		if set, err := accessTTL(cfg); err == nil && set != kind.TTL {
			f.Logger().Warn("the target's application ignores JWT_ACCESS_TOKEN_EXPIRE_MINUTES: its access tokens last a fixed time, and so does this one",
				"target", p.Name, "configured", set.String(), "lifetime", kind.TTL.String())
		}
	}
	return kind.TTL, nil
}
