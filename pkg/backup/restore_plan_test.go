package backup

import (
	"context"
	"errors"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestRestoreTakesTheVerifiedPlan: Restore restores the plan's backup
// without verifying it again, refuses a plan that verified nothing, and
// still changes nothing when the backup's bytes changed after the plan was
// made (the copy and the stream check them as they go).
func TestRestoreTakesTheVerifiedPlan(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		target func(testing.TB) database.Target
		format string
	}{
		{"sqlite", dbtest.SQLite, ""},
		{"postgres plain", dbtest.Postgres, FormatPlain},
		{"postgres custom", dbtest.Postgres, FormatCustom},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t, c.target(t))
			seed(t, db, 5)
			dir := t.TempDir()
			m := create(t, db, Options{Dir: dir, Format: c.format})
			mustExec(t, db, `CREATE TABLE created_after (id INTEGER PRIMARY KEY)`)
			live := dbtest.Snapshot(t, db)

			o := RestoreOptions{Dir: dir, Ref: m.ID}
			if err := Restore(ctx, db, Plan{}, o); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("restore without a plan: %v, want ErrCorrupt", err)
			}
			p, err := PlanRestore(ctx, db, o)
			if err != nil {
				t.Fatal(err)
			}
			flipByte(t, dbFilePath(t, dir, m))
			if err := Restore(ctx, db, p, o); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("restore of a backup changed after its plan: %v, want ErrCorrupt", err)
			}
			assertSame(t, live, dbtest.Snapshot(t, db))
		})
	}
}
