package main

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
)

// touchEnv makes the test binary, started as a child, touch that many MiB
// of fresh memory and exit: a child whose own peak is known to be large.
const touchEnv = "DHMIG_BENCH_TEST_TOUCH_MIB"

func TestMain(m *testing.M) {
	if v := os.Getenv(touchEnv); v != "" {
		mib, err := strconv.Atoi(v)
		if err != nil {
			os.Exit(2)
		}
		touch(mib)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// touch maps mib MiB and writes every page, raising the process's peak RSS
// by that much; the memory stays mapped.
func touch(mib int) {
	mem, err := syscall.Mmap(-1, 0, mib<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(mem); i += 4096 {
		mem[i] = 1
	}
}

// TestRunTimedFlagsTheBenchsOwnPeak pins the Linux behaviour rss.go
// describes: a small child reports at least the parent's peak, and the
// sample says its figure may not be the child's; a child that goes well
// above the parent's peak is measured.
func TestRunTimedFlagsTheBenchsOwnPeak(t *testing.T) {
	touch(96)
	own := selfPeakRSSKB()
	if own < 96<<10 {
		t.Fatalf("own peak %d KiB after touching 96 MiB", own)
	}
	small, _, err := runTimed(context.Background(), nil, "/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	if !small.RSSHidden {
		t.Errorf("/bin/true reported %d KiB with the bench at %d KiB: want it flagged", small.MaxRSSKB, own)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	big, _, err := runTimed(context.Background(), []string{touchEnv + "=" + strconv.Itoa(int(own>>10)+64)}, self)
	if err != nil {
		t.Fatal(err)
	}
	if big.RSSHidden {
		t.Errorf("a child touching %d MiB reported %d KiB, flagged with the bench at %d KiB", own>>10+64, big.MaxRSSKB, own)
	}
	if big.MaxRSSKB < own+60<<10 {
		t.Errorf("a child touching %d MiB reported only %d KiB", own>>10+64, big.MaxRSSKB)
	}
	var s series
	s.add(big)
	if _, ok := s.peakRSS(); !ok {
		t.Error("a series of measured samples says not measured")
	}
	s.add(small)
	if _, ok := s.peakRSS(); ok {
		t.Error("a series holding a flagged sample says measured")
	}
}
