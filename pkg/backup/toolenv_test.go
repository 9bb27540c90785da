package backup

import (
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// An sslpassword with a line break would add lines of its own to the
// service file handed to pg_dump; it is refused, without the value in the
// message.
func TestToolEnvRefusesLineBreakInSSLPassword(t *testing.T) {
	tg := database.Target{Kind: database.Postgres, Host: "127.0.0.1", Name: "x",
		Params: map[string]string{"sslpassword": "s3cret\nhost=evil"}}
	_, cleanup, err := toolEnv(tg)
	cleanup()
	if err == nil || !strings.Contains(err.Error(), "line break") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("toolEnv = %v", err)
	}
}
