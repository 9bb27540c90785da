package config

import (
	"strings"
	"testing"
)

// smoke refuses a server URL with credentials, but config show prints the
// setting before smoke ever reads it: the password must be masked there.
func TestSmokeServerURLMasked(t *testing.T) {
	c, err := Load(LoadOptions{Environ: []string{"DHMIG_SMOKE_SERVER_URL=https://ops:hunter22@app.example.com"}, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range c.Effective() {
		if e.Key != "smoke_server_url" {
			continue
		}
		found = true
		if strings.Contains(e.Value, "hunter22") || !strings.Contains(e.Value, "app.example.com") {
			t.Errorf("config show: %s = %s", e.Key, e.Value)
		}
	}
	if !found {
		t.Fatal("config show does not list smoke_server_url")
	}
}
