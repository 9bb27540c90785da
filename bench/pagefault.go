package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// probeFaultCost runs faultCost in a child (this binary with
// -probe-page-faults), so that the bench's own peak RSS stays small: a
// child's figure includes it (rss.go).
func probeFaultCost(ctx context.Context) (time.Duration, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, self, "-probe-page-faults").Output()
	if err != nil {
		return 0, fmt.Errorf("page-fault probe: %w", err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("page-fault probe printed %q: %w", out, err)
	}
	return time.Duration(ns), nil
}

// faultCost times the first touch of fresh memory: it maps 256 MiB of
// anonymous memory and writes one byte per 4 KiB page, so each write takes
// one page fault. The figure moves everything that touches new memory (hash
// joins, memory-mapped reads, page caches, a growing heap); on some VMs of
// this machine kind it is about a hundred times bare metal's, so it is
// printed with the machine: ratios from machines with different figures do
// not compare. The median of 3 tries.
func faultCost() (time.Duration, error) {
	const size, page = 256 << 20, 4096
	var secs []float64
	for try := 0; try < 3; try++ {
		mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			return 0, fmt.Errorf("map fresh memory: %w", err)
		}
		start := time.Now()
		for i := 0; i < size; i += page {
			mem[i] = 1
		}
		secs = append(secs, time.Since(start).Seconds())
		if err := syscall.Munmap(mem); err != nil {
			return 0, fmt.Errorf("unmap: %w", err)
		}
	}
	return time.Duration(median(secs) / (size / page) * float64(time.Second)), nil
}
