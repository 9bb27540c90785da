package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machine describes where the figures come from: they mean little without
// it, and less without the load the machine was under.
func machine(ctx context.Context, c benchConfig) string {
	host, _ := os.Hostname()
	parts := []string{host, fmt.Sprintf("%d CPUs (GOMAXPROCS %d)", runtime.NumCPU(), runtime.GOMAXPROCS(0))}
	if mem := memTotal(); mem != "" {
		parts = append(parts, mem+" RAM")
	}
	if c.only == "" || c.only == "postgres" {
		if out, err := exec.CommandContext(ctx, "psql", psqlArgs(c.pgURL, "-A", "-t", "-c", "SHOW server_version")...).Output(); err == nil {
			parts = append(parts, "PostgreSQL "+strings.TrimSpace(string(out)))
		}
	}
	if d, err := probeFaultCost(ctx); err == nil {
		parts = append(parts, fmt.Sprintf("first touch of fresh memory %.2f µs per 4 KiB page", float64(d.Nanoseconds())/1e3))
	}
	parts = append(parts, "load average "+loadAvg(), time.Now().UTC().Format(time.RFC3339))
	return strings.Join(parts, ", ")
}

// loadAvg is the 1, 5 and 15 minute load average (Linux), or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			var kb int64
			fmt.Sscan(f[1], &kb)
			return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	return ""
}

// hasCommand reports whether the dhmig binary has a command, so a section
// can say what it could not measure instead of failing the whole bench.
func hasCommand(ctx context.Context, dhmig, name string) bool {
	return exec.CommandContext(ctx, dhmig, name, "--help").Run() == nil
}

// noteLoad records the load average around a section.
func noteLoad(rep *report, before string) {
	rep.note("load average %s before the section, %s after", before, loadAvg())
}
