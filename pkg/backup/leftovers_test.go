package backup

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestPruneRemovesLeftovers: the hidden work a killed backup or prune
// left is listed as incomplete and removed by Prune, except the work a
// running backup holds.
func TestPruneRemovesLeftovers(t *testing.T) {
	t.Parallel()
	db := openDB(t, dbtest.SQLite(t))
	seed(t, db, 1)
	dir := t.TempDir()
	m := create(t, db, Options{Dir: dir})
	for _, name := range []string{partialName("20200101T000000Z"), deletingName("20200102T000000Z"), partialName("20200103T000000Z")} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, ".env"), []byte("SECRET=1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	held, _, err := lockWork(filepath.Join(dir, partialName("20200103T000000Z")), true)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	list, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, e := range list {
		status[e.ID] = e.Status + ": " + e.Detail
	}
	want := map[string]string{
		m.ID:               StatusComplete + ": ",
		"20200101T000000Z": StatusIncomplete + ": left by a backup that did not finish; the next backup or --keep removes it",
		"20200102T000000Z": StatusIncomplete + ": left by a prune that did not finish; the next backup or --keep removes it",
		"20200103T000000Z": StatusIncomplete + ": being written by a running backup",
	}
	if !maps.Equal(status, want) {
		t.Fatalf("list:\n got %v\nwant %v", status, want)
	}
	if _, err := Find(dir, Latest, db.Target.Identity()); err != nil {
		t.Fatalf("incomplete backups must not stand in the way of latest: %v", err)
	}
	removed, err := Prune(dir, 5, db.Target.Identity(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	if !slices.Equal(removed, []string{"20200101T000000Z", "20200102T000000Z"}) {
		t.Fatalf("prune removed %v", removed)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if !slices.Equal(left, []string{filepath.Join(dir, partialName("20200103T000000Z"))}) {
		t.Fatalf("after prune: %v", left)
	}
}
