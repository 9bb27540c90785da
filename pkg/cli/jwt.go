package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/config"
	"github.com/dhafnckmcp/dhmig/pkg/target"
	"github.com/dhafnckmcp/dhmig/pkg/token"
)

// NewJWTCmd groups the guide's JWT troubleshooting commands.
func NewJWTCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jwt",
		Short: "Issue or verify an access token with the configured secret and algorithm",
		Long: `The guide's JWT troubleshooting, without Python: issue an access token the way
the app does (claims sub, email, roles, type=access, iat, exp, jti) with the
configured JWT_SECRET_KEY and JWT_ALGORITHM (or JWT_PRIVATE_KEY_PATH and
JWT_PUBLIC_KEY_PATH for RS*/ES*), and check whether a token is valid, expired
or forged.

With --target dhafnck both follow the DhafnckMCP server's own JWTService:
HS256 only, iss dhafnck-mcp, a 32-hex-digit jti, access tokens for audience
mcp-server that last 15 minutes, and refresh tokens (--type refresh) with the
user's token family and version that last 30 days.`,
		Args: cobra.NoArgs,
		RunE: runGroup,
	}
	cmd.AddCommand(newJWTIssueCmd(f, nil), newJWTVerifyCmd(f))
	return cmd
}

// jwtKeys loads the configured algorithm and key material for the
// configured target; a problem with them is a configuration error (exit 2).
func jwtKeys(cfg *config.Config) (token.Keys, error) {
	k, err := token.LoadKeysFor(cfg.Target().JWT, token.KeyOptions{
		Algorithm:      cfg.Get("jwt_algorithm"),
		Secret:         []byte(cfg.Get("jwt_secret_key")),
		PrivateKeyPath: strings.TrimSpace(cfg.Get("jwt_private_key_path")),
		PublicKeyPath:  strings.TrimSpace(cfg.Get("jwt_public_key_path")),
	})
	if err != nil {
		return token.Keys{}, fmt.Errorf("%w: %v (see dhmig config check)", config.ErrInvalid, err)
	}
	return k, nil
}

// tokenKind is the configured target's token kind named by --type, its
// first (access) when the flag is empty; another type is a usage error.
func tokenKind(p *target.Profile, typ string) (target.TokenKind, error) {
	if typ == "" {
		return p.JWT.Kinds[0], nil
	}
	k, err := p.JWT.Kind(typ)
	if err != nil {
		return target.TokenKind{}, usageErrorf("--type: the %s target issues %v", p.Name, err)
	}
	return k, nil
}

// accessTTL reads JWT_ACCESS_TOKEN_EXPIRE_MINUTES.
func accessTTL(cfg *config.Config) (time.Duration, error) {
	raw := strings.TrimSpace(cfg.Get("jwt_access_token_expire_minutes"))
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: JWT_ACCESS_TOKEN_EXPIRE_MINUTES %q (from %s) is not a positive integer",
			config.ErrInvalid, raw, cfg.Source("jwt_access_token_expire_minutes"))
	}
	return time.Duration(n) * time.Minute, nil
}
