package main

import (
	"testing"

	"github.com/dhafnckmcp/dhmig/internal/pyclient"
)

// pythonClient finds a Python that can import what the app's stack reads
// with (SQLAlchemy, bcrypt, psycopg2).
func pythonClient(t *testing.T) string {
	t.Helper()
	return pyclient.Find(t, "sqlalchemy", "bcrypt", "psycopg2")
}
