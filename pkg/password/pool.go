package password

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// TempSource hands out temporary-password hashes made in the background by
// a pool of workers, one per core by default, so bcrypt keeps every core
// busy while the caller writes rows. It makes exactly the number asked for.
type TempSource struct {
	mode   TempMode
	cost   int
	out    chan string
	errc   chan error
	cancel context.CancelFunc
	wg     sync.WaitGroup
	made   atomic.Int64
}

// NewTempSource starts workers that make n hashes in mode at cost. workers
// ≤ 0 means runtime.GOMAXPROCS(0). Sealed hashes need no pool: they are made
// on demand. Call Close when done.
func NewTempSource(ctx context.Context, mode TempMode, cost int, n int64, workers int) (*TempSource, error) {
	if _, err := ParseTempMode(string(mode)); err != nil {
		return nil, err
	}
	if err := ValidateCost(cost); err != nil {
		return nil, err
	}
	s := &TempSource{mode: mode, cost: cost}
	if mode == TempSealed || n <= 0 {
		s.cancel = func() {}
		return s, nil
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if int64(workers) > n {
		workers = int(n)
	}
	ctx, s.cancel = context.WithCancel(ctx)
	s.out = make(chan string, 4*workers)
	s.errc = make(chan error, workers)
	var next atomic.Int64
	for range workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for next.Add(1) <= n {
				h, err := bcryptTemp(cost)
				if err != nil {
					s.errc <- err
					return
				}
				select {
				case s.out <- h:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { s.wg.Wait(); close(s.out) }()
	return s, nil
}

// Next returns the next hash, waiting for a worker when none is ready.
func (s *TempSource) Next(ctx context.Context) (string, error) {
	s.made.Add(1)
	if s.out == nil {
		return tempHash(s.mode, s.cost)
	}
	select {
	case h, ok := <-s.out:
		if ok {
			return h, nil
		}
		select {
		case err := <-s.errc:
			return "", err
		default:
		}
		// More asked for than announced: make it here.
		return tempHash(s.mode, s.cost)
	case err := <-s.errc:
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Made counts the hashes handed out.
func (s *TempSource) Made() int64 { return s.made.Load() }

// Close stops the workers.
func (s *TempSource) Close() {
	s.cancel()
	if s.out != nil {
		for range s.out { // drain, so every worker can exit
		}
	}
}

// EstimateBcrypt estimates how long n bcrypt hashes at cost take on workers
// cores (≤ 0: GOMAXPROCS), by timing a few hashes at a low cost and scaling:
// bcrypt's work doubles with each cost step.
func EstimateBcrypt(cost int, n int64, workers int) time.Duration {
	if n <= 0 {
		return 0
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	probe := min(cost, 8)
	const samples = 3
	start := time.Now()
	for range samples {
		if _, err := bcryptTemp(probe); err != nil {
			return 0
		}
	}
	per := time.Since(start) / samples
	per <<= uint(cost - probe)
	w := min(int64(workers), n)
	return time.Duration(float64(per) * float64(n) / float64(w))
}
