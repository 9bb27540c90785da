package migration

import "runtime/debug"

// GCTuning says which garbage collector settings a bulk copy may change:
// those the operator did not set (GOGC, GOMEMLIMIT). The zero value
// changes nothing.
type GCTuning struct {
	Percent     bool
	MemoryLimit bool
}

// apply tunes the garbage collector for a bulk copy and returns the undo.
// A copy allocates a few KB per row but keeps almost nothing, so the
// default (collect whenever the heap doubles from a few MB) runs hundreds
// of collections per million rows; letting the heap grow to 3× what is
// live spends far less CPU on it, and the soft memory limit keeps the heap
// below a fixed ceiling whatever the table's size.
func (g GCTuning) apply() (restore func()) {
	pct, limit := -1, int64(-1)
	if g.Percent {
		pct = debug.SetGCPercent(200)
	}
	if g.MemoryLimit {
		limit = debug.SetMemoryLimit(32 << 20)
	}
	return func() {
		if pct != -1 {
			debug.SetGCPercent(pct)
		}
		if limit != -1 {
			debug.SetMemoryLimit(limit)
		}
	}
}
