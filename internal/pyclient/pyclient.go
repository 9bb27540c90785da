// Package pyclient finds, for tests, the Python that reads what dhmig
// wrote the way the DhafnckMCP server's own stack does (SQLAlchemy, bcrypt,
// psycopg2, PyJWT: Debian's python3-* packages, which .ci/run installs).
package pyclient

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Find returns a Python that can import every module: $DHMIG_PYTHON, else
// the first of /usr/bin/python3 (where apt installs the modules) and
// python3 on PATH that can. Without one the test skips, and fails instead
// under DHMIG_REQUIRE_PYTHON=1.
func Find(t testing.TB, modules ...string) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3", "python3"}
	if p := os.Getenv("DHMIG_PYTHON"); p != "" {
		candidates = []string{p}
	}
	imp := "import " + strings.Join(modules, ", ")
	for _, c := range candidates {
		if exec.Command(c, "-c", imp).Run() == nil {
			return c
		}
	}
	if os.Getenv("DHMIG_REQUIRE_PYTHON") == "1" {
		t.Fatalf("no Python among %v can %q (DHMIG_REQUIRE_PYTHON=1; apt: python3-sqlalchemy python3-bcrypt python3-psycopg2 python3-jwt)", candidates, imp)
	}
	t.Skipf("no Python among %v can %q: set DHMIG_PYTHON", candidates, imp)
	return ""
}
