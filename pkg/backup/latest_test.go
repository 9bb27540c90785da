package backup

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

func TestLatestVerifiedAndPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, dbtest.SQLite(t))
	other := openDB(t, dbtest.SQLite(t))
	seed(t, db, 2)
	seed(t, other, 1)
	dir := t.TempDir()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(d time.Duration) func() time.Time { return func() time.Time { return base.Add(d) } }
	id := db.Target.Identity()

	if _, err := LatestVerified(ctx, dir, id, time.Hour, base); !errors.Is(err, ErrMissing) {
		t.Fatalf("empty dir: want ErrMissing, got %v", err)
	}
	old := create(t, db, Options{Dir: dir, Now: at(0)})
	mid := create(t, db, Options{Dir: dir, Now: at(2 * time.Hour)})
	same := create(t, db, Options{Dir: dir, Now: at(2 * time.Hour)}) // same second: suffixed id
	newest := create(t, db, Options{Dir: dir, Now: at(3 * time.Hour)})
	create(t, other, Options{Dir: dir, Now: at(4 * time.Hour)})
	if same.ID != mid.ID+"-2" {
		t.Fatalf("collision id = %s, want %s-2", same.ID, mid.ID)
	}

	now := base.Add(3*time.Hour + 30*time.Minute)
	tests := []struct {
		name   string
		maxAge time.Duration
		setup  func()
		want   string
		err    error
	}{
		{"newest verified", time.Hour, nil, newest.ID, nil},
		{"everything too old", 10 * time.Minute, nil, "", ErrStale},
		{"newest corrupt, next young one verifies", 2 * time.Hour, func() { flipByte(t, dbFilePath(t, dir, newest)) }, same.ID, nil},
		{"only young one corrupt", time.Hour, nil, "", ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			m, err := LatestVerified(ctx, dir, id, tc.maxAge, now)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("want %v, got %v (%s)", tc.err, err, m.ID)
				}
				return
			}
			if err != nil || m.ID != tc.want {
				t.Fatalf("want %s, got %s (%v)", tc.want, m.ID, err)
			}
		})
	}

	list, err := List(dir)
	if err != nil || len(list) != 5 {
		t.Fatalf("list = %v, %v", list, err)
	}
	removed, err := Prune(dir, 2, id, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Keeps the two newest (newest, same), the protected oldest and the
	// other database's backup; removes mid.
	if !slices.Equal(removed, []string{mid.ID}) {
		t.Fatalf("prune removed %v, want [%s] (protecting %s, keeping the other database's)", removed, mid.ID, old.ID)
	}
	list, _ = List(dir)
	var ids []string
	for _, e := range list {
		ids = append(ids, e.ID)
	}
	if len(ids) != 4 || !slices.Contains(ids, old.ID) || !slices.Contains(ids, same.ID) || slices.Contains(ids, mid.ID) {
		t.Fatalf("after prune: %v", ids)
	}
}
