package password

import (
	"context"
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkTempBcrypt reports temporary-password hashes per second at one
// worker and at GOMAXPROCS workers (cost 4 by default; the ratio is what
// shows the pool uses every core). Run: go test -bench TempBcrypt ./pkg/password
func BenchmarkTempBcrypt(b *testing.B) {
	for _, cost := range []int{4, 10} {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("cost=%d/workers=%d", cost, workers), func(b *testing.B) {
				// The workers start hashing at once, so the source is made
				// inside the timed region.
				s, err := NewTempSource(context.Background(), TempBcrypt, cost, int64(b.N), workers)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				for range b.N {
					if _, err := s.Next(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
			})
		}
	}
}

// BenchmarkTempSealed reports sealed hashes per second (the target is well
// above 100k/s).
func BenchmarkTempSealed(b *testing.B) {
	for range b.N {
		if _, err := tempHash(TempSealed, 12); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}
