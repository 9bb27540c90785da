package main

import (
	"fmt"
	"syscall"
	"time"
)

// faultCost times the first touch of fresh memory: it maps 256 MiB of
// anonymous memory and writes one byte per 4 KiB page, so each write takes
// one page fault. The figure moves everything that touches new memory (hash
// joins, memory-mapped reads, page caches, a growing heap) and has differed
// a hundredfold between virtual machines of the same kind, so it is printed
// with the machine: ratios from machines with different figures do not
// compare. The median of 3 tries.
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
