package config

import (
	"errors"
	"strings"
	"testing"
)

// A configuration file that does not parse is named with the line at
// fault; nothing of its text comes back, since the rest of the file holds
// the secrets.
func TestMalformedFilesShowNoText(t *testing.T) {
	const secrets = "JWT_SECRET_KEY=Jq9SecretJwt\nSMTP_PASSWORD=Sm7SecretMail\nDATABASE_URL=postgres://app:PgPass77@db/app\n"
	tests := []struct {
		name, file, body, line string
	}{
		{"env: bad name first", ".env", "-Qbad\n" + secrets, "line 1"},
		{"env: bad name after good lines", ".env", "# comment\nA=1\n\n-Qbad\n" + secrets, "line 4"},
		{"env: unterminated double quote", ".env", "A=1\nB=\"Qopen\n" + secrets, "line 2"},
		{"env: unterminated single quote", ".env", "B='Qopen\n" + secrets, "line 1"},
		{"env: a multi-line value before the bad line", ".env", "A=\"one\ntwo\"\n" + secrets + "-Qbad Qrest\n", "line 6"},
		{"env: export with nothing", ".env", secrets + "export\n", "line 4"},
		{"yaml: syntax", "dhmig.yaml", "jwt_secret_key: Jq9SecretJwt\nsmtp_password: [Sm7SecretMail\n", "line"},
		{"yaml: tab indentation", "dhmig.yaml", "database_url: postgres://app:PgPass77@db/app\n\tsmtp_password: Sm7SecretMail\n", "line"},
		{"yaml: unknown key that is not a name", "dhmig.yaml", "\"Jq9SecretJwt here\": 1\n", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := write(t, dir, tt.file, tt.body)
			_, err := Load(LoadOptions{Flags: flags(t), Dir: dir})
			if err == nil {
				t.Fatal("Load accepted a malformed file")
			}
			msg := err.Error()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(msg, path) || !strings.Contains(msg, tt.line) {
				t.Errorf("error %q: want ErrInvalid naming %s and %q", msg, path, tt.line)
			}
			for _, s := range []string{"Jq9SecretJwt", "Sm7SecretMail", "PgPass77", "Qopen", "Qrest", "Qbad", "JWT_SECRET"} {
				if strings.Contains(msg, s) {
					t.Errorf("error quotes the file (%q): %s", s, msg)
				}
			}
		})
	}
}
