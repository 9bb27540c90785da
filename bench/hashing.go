package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/password"
)

// hashCost is the guide's cost, the default of --bcrypt-cost.
const hashCost = 12

// benchHashing measures temporary-password throughput the way the copy
// makes them (password.TempSource): bcrypt at cost 12 with one worker and
// with GOMAXPROCS workers, and sealed hashes.
func benchHashing(c benchConfig) (*report, error) {
	ctx := context.Background()
	workers := runtime.GOMAXPROCS(0)
	rep := &report{title: fmt.Sprintf("temporary passwords (bcrypt cost %d)", hashCost)}
	load := loadAvg()
	var one, all, sealed []float64
	for range c.rounds {
		// Alternate nothing here: each figure is a rate, not a race.
		r1, err := hashRate(ctx, password.TempBcrypt, 1, c.hashWindow)
		if err != nil {
			return nil, err
		}
		rn, err := hashRate(ctx, password.TempBcrypt, workers, c.hashWindow)
		if err != nil {
			return nil, err
		}
		rs, err := hashRate(ctx, password.TempSealed, 1, time.Second)
		if err != nil {
			return nil, err
		}
		one, all, sealed = append(one, r1), append(all, rn), append(sealed, rs)
	}
	m1, mn, ms := median(one), median(all), median(sealed)
	scaling := mn / (float64(workers) * m1)
	rep.add("bcrypt hashes/s, 1 worker (per core)", fmt.Sprintf("%.2f", m1), "", "", "", nil)
	rep.add(fmt.Sprintf("bcrypt hashes/s, %d workers", workers), fmt.Sprintf("%.2f", mn), fmt.Sprintf("%d × %.2f", workers, m1),
		fmt.Sprintf("%.2f", scaling), "≥ 0.90", boolp(scaling >= 0.9))
	rep.add("sealed hashes/s", fmt.Sprintf("%.0f", ms), "", "", "≥ 100000", boolp(ms >= 100_000))
	rep.note("bcrypt: at this rate 10,000 temporary passwords take %s with %d workers", time.Duration(10_000/mn*float64(time.Second)).Round(time.Second), workers)
	rep.note("load average %s before, %s after", load, loadAvg())
	return rep, nil
}

// hashRate counts the hashes a TempSource hands out during window.
func hashRate(ctx context.Context, mode password.TempMode, workers int, window time.Duration) (float64, error) {
	src, err := password.NewTempSource(ctx, mode, hashCost, 1<<40, workers)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	start := time.Now()
	n := 0
	var el time.Duration
	for el < window {
		if _, err := src.Next(ctx); err != nil {
			return 0, err
		}
		n++
		el = time.Since(start)
	}
	return float64(n) / el.Seconds(), nil
}
