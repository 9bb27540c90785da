package database

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendTimestampMatchesFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{
		time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2023, 1, 2, 3, 4, 5, 120000000, time.UTC),
		time.Date(2023, 1, 2, 3, 4, 5, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 1, time.FixedZone("x", -7*3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for range 10000 {
		times = append(times, time.Unix(r.Int64N(1<<35), r.Int64N(1e9)).In(time.FixedZone("y", 3600)))
	}
	for _, tm := range times {
		want := SQLiteTime(tm)
		if got := (sqliteDialect{}).BulkTimestamp(tm); got != want {
			t.Fatalf("sqlite %v: %q, want %q", tm, got, want)
		}
		var pg any = want + "+00"
		if y := tm.UTC().Year(); y < 1 || y > 9999 {
			pg = tm.UTC()
		} else if !SQLiteTimeTextOK(want) {
			t.Fatalf("sqlite %v: %q is not in a form the app's stack reads back exactly", tm, want)
		}
		if got := (postgresDialect{}).BulkTimestamp(tm); got != pg {
			t.Fatalf("postgres %v: %q, want %q", tm, got, pg)
		}
	}
}
