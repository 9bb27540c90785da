package cli

import (
	"runtime/debug"
	"testing"
)

func TestBuildInfoComplete(t *testing.T) {
	vcs := &debug.BuildInfo{
		Main:     debug.Module{Path: "github.com/dhafnckmcp/dhmig", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2025-03-01T12:00:00Z"}},
	}
	devel := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
	tests := []struct {
		name string
		in   BuildInfo
		info *debug.BuildInfo
		ok   bool
		want BuildInfo
	}{
		{"ldflags win", BuildInfo{"1.2.3", "deadbeef", "2025-01-01"}, vcs, true, BuildInfo{"1.2.3", "deadbeef", "2025-01-01"}},
		{"go install @version", BuildInfo{}, vcs, true, BuildInfo{"v1.4.0", "abc123", "2025-03-01T12:00:00Z"}},
		{"partial ldflags", BuildInfo{Version: "1.2.3"}, vcs, true, BuildInfo{"1.2.3", "abc123", "2025-03-01T12:00:00Z"}},
		{"plain go build", BuildInfo{}, devel, true, BuildInfo{"dev", "unknown", "unknown"}},
		{"no build info", BuildInfo{}, nil, false, BuildInfo{"dev", "unknown", "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.completeFrom(tt.info, tt.ok); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
