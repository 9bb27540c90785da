package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/dhafnckmcp/dhmig/pkg/output"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
	"github.com/dhafnckmcp/dhmig/pkg/usermigrate"
)

type loginCheckOptions struct {
	email        string
	passwordFile string
	sourceTable  string
	mapColumns   []string
}

// NewLoginCheckCmd answers support's "why can't I log in?" from the
// database alone.
func NewLoginCheckCmd(f *Factory) *cobra.Command {
	o := &loginCheckOptions{}
	cmd := &cobra.Command{
		Use:   "login-check",
		Short: "Offline, for support: would the app let this user log in, and if not, why",
		Long: `Answer support's "why can't I log in?" from the database, without the server:
find the user by canonical email (trimmed, lowercased) and say whether the app
would let them log in, and every reason it would not:

  unknown_email        no user row has the email; the legacy table says
                       whether its row was rejected by the migration (with the
                       reject code), is not migrated yet, or does not exist
  duplicate_email      several rows share it case-insensitively
  email_not_canonical  the row's email is not stored trimmed and lowercased,
                       the form the app looks up
  status_not_active    status is not active (pending_verification, suspended...)
  locked               is_locked is set (locked_until is ahead, for dhafnck)
  not_verified         verified_at is NULL (email_verified not true, for dhafnck)
  temp_password        dhmig gave a temporary password: the user must reset it
  hash_not_accepted    the stored hash is not bcrypt the app can verify
  password_mismatch    with --password-file: the password does not match
                       (bcrypt, constant-time comparison)

The user is looked up in the target's user table (auth_users; users with
--target dhafnck, judged by the DhafnckMCP server's rules: status ACTIVE).
Read-only. The hash and the password are never printed. Exit 0 when the login
would succeed, 3 when it would not, 1 when the database cannot be read.`,
		Example: `  dhmig login-check --email ada@example.com
  dhmig login-check --email ada@example.com --password-file pw.txt -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := f.Format(output.Table, output.JSON)
			if err != nil {
				return err
			}
			p, err := f.Profile()
			if err != nil {
				return err
			}
			src, err := o.validate()
			if err != nil {
				return err
			}
			var pw []byte
			if o.passwordFile != "" {
				if pw, err = readPasswordFile("--password-file", o.passwordFile); err != nil {
					return err
				}
				defer clear(pw)
			}
			ctx := cmd.Context()
			db, err := f.OpenDB(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			v, err := smoke.Check(ctx, db, db.Dialect, smoke.CheckOptions{Email: o.email, Password: pw, Legacy: src, Target: p})
			if err != nil {
				return err
			}
			f.Logger().Debug("login-check finished", "can_log_in", v.CanLogIn, "reasons", strings.Join(v.Reasons, ","))
			if format == output.JSON {
				err = output.WriteJSON(f.IO.Out, v)
			} else {
				err = writeLoginCheck(f.IO.Out, v)
			}
			if err != nil {
				return err
			}
			return reported(v.Err())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.email, "email", "", "the user's email (required)")
	fl.StringVar(&o.passwordFile, "password-file", "", "file whose first line is the password to check against the stored hash")
	fl.StringVar(&o.sourceTable, "source-table", "legacy_users", "legacy table that explains an unknown email")
	fl.StringArrayVar(&o.mapColumns, "map-column", nil, "legacy column name for a field, as field=column (id, email)")
	return cmd
}

func (o *loginCheckOptions) validate() (smoke.LegacySource, error) {
	src := smoke.LegacySource{Table: o.sourceTable}
	if strings.TrimSpace(o.email) == "" {
		return src, usageErrorf("--email is required")
	}
	if err := identFlag("--source-table", o.sourceTable); err != nil {
		return src, err
	}
	cols, err := usermigrate.ParseColumnMap(o.mapColumns, "id", "email")
	if err != nil {
		return src, usageErrorf("--map-column: %v", err)
	}
	src.ID, src.Email = cols.ID, cols.Email
	return src, nil
}
