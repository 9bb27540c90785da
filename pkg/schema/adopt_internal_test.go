package schema

import (
	"context"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestTargetShapeMatchesWhatDhmigCreates holds the two forms of the target
// shape together: the columns read from the up files must be exactly the
// columns each engine reports for the tables dhmig creates, and adoption
// must accept them.
func TestTargetShapeMatchesWhatDhmigCreates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		ctx := context.Background()
		db := dbtest.Open(t, tg)
		m, err := New(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.UpEach(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, mig := range m.migrations {
			for _, s := range parseStatements(mig.Up) {
				if s.op != "create table" {
					continue
				}
				have, err := db.Dialect.Columns(ctx, db, s.name)
				if err != nil {
					t.Fatal(err)
				}
				if len(s.columns) != len(have) {
					t.Errorf("%s: parsed %d columns, the engine reports %d: %v", s.name, len(s.columns), len(have), s.columns)
				}
				if p := shapeProblems(have, s.columns); len(p) > 0 {
					t.Errorf("%s as dhmig creates it is not adoptable: %v", s.name, p)
				}
				checked++
			}
		}
		if checked < 5 {
			t.Fatalf("only %d CREATE TABLE statements recognised", checked)
		}
	})
}

func TestCompatibleType(t *testing.T) {
	for _, c := range []struct {
		have, want string
		ok         bool
	}{
		{"character varying(255)", "VARCHAR(255)", true},
		{"text", "VARCHAR(255)", true},
		{"character varying(100)", "VARCHAR(255)", false},
		{"character varying(255)", "TEXT", false},
		{"uuid", "UUID", true},
		{"text", "UUID", false},
		{"text[]", "TEXT[]", true},
		{"text", "TEXT[]", false},
		{"timestamp with time zone", "TIMESTAMP", true},
		{"DATETIME", "TIMESTAMP", true},
		{"bigint", "INTEGER", true},
		{"integer", "BOOLEAN", false},
		{"BOOLEAN", "BOOLEAN", true},
	} {
		if got := compatibleType(c.have, c.want); got != c.ok {
			t.Errorf("compatibleType(%q, %q) = %v, want %v", c.have, c.want, got, c.ok)
		}
	}
}
