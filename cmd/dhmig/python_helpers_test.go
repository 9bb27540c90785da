package main

import (
	"os"
	"os/exec"
	"testing"
)

// pythonClient finds a Python that can import what the app's stack reads
// with (SQLAlchemy, bcrypt, psycopg2): $DHMIG_PYTHON, else the first of
// /usr/bin/python3 and python3 on PATH that can. The test skips when there
// is none, and fails instead under DHMIG_REQUIRE_PYTHON=1 (CI).
func pythonClient(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3", "python3"}
	if p := os.Getenv("DHMIG_PYTHON"); p != "" {
		candidates = []string{p}
	}
	for _, c := range candidates {
		if exec.Command(c, "-c", "import sqlalchemy, bcrypt, psycopg2").Run() == nil {
			return c
		}
	}
	if os.Getenv("DHMIG_REQUIRE_PYTHON") == "1" {
		t.Fatalf("no Python among %v can import sqlalchemy, bcrypt and psycopg2 (DHMIG_REQUIRE_PYTHON=1)", candidates)
	}
	t.Skipf("no Python among %v can import sqlalchemy, bcrypt and psycopg2: set DHMIG_PYTHON", candidates)
	return ""
}
