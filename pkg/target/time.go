package target

import (
	"math"
	"time"
)

// EarliestTime is the earliest timestamp dhmig writes or accepts.
var EarliestTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// ClockSkew is how far past "now" a timestamp may lie and still be
// plausible: a legacy server's clock may run ahead of this one.
const ClockSkew = 24 * time.Hour

// PlausibleTime reports whether t is a timestamp a user row can carry:
// not before EarliestTime, not more than ClockSkew after now. A value
// outside (Unix milliseconds read as seconds, a year 55840) is a bug in
// the data, and the application's Python stack cannot even load most of
// them. Verify, running later, judges with its own later now, so a row the
// copy accepted stays plausible.
func PlausibleTime(t, now time.Time) bool {
	return !t.Before(EarliestTime) && !t.After(LatestTime(now))
}

// LatestTime is the latest plausible timestamp at now.
func LatestTime(now time.Time) time.Time { return now.UTC().Add(ClockSkew) }

// MillisThreshold: a number of larger magnitude is Unix milliseconds, not
// seconds (13 digits; seconds that large lie 30,000 years ahead). It is
// the threshold go-sqlite3 applies to integers in TIMESTAMP columns, so a
// legacy value means the same whatever its column was declared.
const MillisThreshold = 1e12

// UnixTime reads a number of Unix seconds, or of milliseconds when its
// magnitude exceeds MillisThreshold; ok is false for NaN, infinities and
// numbers outside the years 1–9999, which no client can represent.
func UnixTime(v float64) (t time.Time, ok bool) {
	if v > MillisThreshold || v < -MillisThreshold {
		v /= 1000
	}
	// -62135596800 and 253402300799 are 0001-01-01 and 9999-12-31 23:59:59.
	if !(v >= -62135596800 && v < 253402300800) {
		return time.Time{}, false
	}
	sec := math.Floor(v)
	return time.Unix(int64(sec), int64((v-sec)*1e9)).UTC(), true
}
