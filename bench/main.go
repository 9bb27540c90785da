package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"
)

// benchConfig is one bench invocation's settings.
type benchConfig struct {
	rows      int
	smallRows int
	rounds    int
	pgURL     string
	dhmig     string
	// before is an older dhmig binary whose read side (verify, metrics,
	// backup) is timed in the same rounds, for before/after figures.
	before    string
	legacygen string
	work      string
	only      string
	// hashWindow is how long each bcrypt throughput sample hashes.
	hashWindow time.Duration
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func main() {
	var c benchConfig
	flag.IntVar(&c.rows, "rows", envInt("BENCH_ROWS", 1_000_000), "legacy users in the main run (env BENCH_ROWS)")
	flag.IntVar(&c.smallRows, "small-rows", 0, "legacy users in the memory comparison run (default rows/10)")
	flag.IntVar(&c.rounds, "rounds", envInt("BENCH_ROUNDS", 3), "alternating rounds per measurement; medians are reported (env BENCH_ROUNDS)")
	flag.StringVar(&c.pgURL, "postgres-url", firstNonEmpty(os.Getenv("DHMIG_BENCH_POSTGRES_URL"), os.Getenv("DHMIG_TEST_POSTGRES_URL"),
		"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "server to create bench databases on")
	flag.StringVar(&c.dhmig, "dhmig", "bin/dhmig", "dhmig binary")
	flag.StringVar(&c.before, "before", "", "an older dhmig binary: time its verify, metrics and backup in the same rounds, for before/after figures")
	flag.StringVar(&c.legacygen, "legacygen", "bin/legacygen", "legacygen binary")
	flag.StringVar(&c.work, "work", "", "scratch directory (default a temp dir, removed at the end)")
	flag.StringVar(&c.only, "only", "", "run one section: postgres, sqlite, cross, hashing")
	flag.DurationVar(&c.hashWindow, "hash-window", 4*time.Second, "how long each bcrypt throughput sample runs")
	probe := flag.Bool("probe-page-faults", false, "print what one page fault costs here, in nanoseconds, and exit (the bench runs it as a child)")
	flag.Parse()
	if *probe {
		d, err := faultCost()
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		fmt.Println(d.Nanoseconds())
		return
	}
	if c.smallRows == 0 {
		c.smallRows = max(c.rows/10, 1)
	}
	if c.rounds < 3 {
		fmt.Fprintln(os.Stderr, "bench: medians need at least 3 rounds")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func run(ctx context.Context, c benchConfig) error {
	var err error
	for _, p := range []*string{&c.dhmig, &c.legacygen, &c.before} {
		if *p == "" {
			continue // no -before
		}
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
		if _, err := os.Stat(*p); err != nil {
			return fmt.Errorf("%s: %w (run make build first)", *p, err)
		}
	}
	if c.work == "" {
		dir, err := os.MkdirTemp("", "dhmig-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.work = dir
	}
	start := time.Now()
	fmt.Printf("dhmig bench: %d rows (memory run %d rows), %d alternating rounds, medians\n", c.rows, c.smallRows, c.rounds)
	fmt.Printf("machine: %s\n\n", machine(ctx, c))
	var reports []*report
	if c.only == "" || c.only == "postgres" {
		r, err := benchPostgres(ctx, c)
		if err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		reports = append(reports, r)
	}
	if c.only == "" || c.only == "sqlite" {
		r, err := benchSQLite(ctx, c)
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		reports = append(reports, r)
	}
	if c.only == "" || c.only == "cross" {
		r, err := benchCross(ctx, c)
		if err != nil {
			return fmt.Errorf("cross: %w", err)
		}
		reports = append(reports, r)
	}
	if c.only == "" || c.only == "hashing" {
		r, err := benchHashing(c)
		if err != nil {
			return fmt.Errorf("hashing: %w", err)
		}
		reports = append(reports, r)
	}
	fmt.Println()
	for _, r := range reports {
		r.print(os.Stdout)
	}
	fmt.Printf("bench took %s; load average at the end %s; the bench's own peak RSS %.1f MiB (a floor under every child's figure)\n",
		time.Since(start).Round(time.Second), loadAvg(), float64(selfPeakRSSKB())/1024)
	return nil
}
