package cli

import (
	"runtime/debug"
)

// BuildInfo identifies the binary: set by ldflags in main, or read from the
// Go build information when built with plain `go build`/`go install`.
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Complete fills what ldflags did not set from debug.ReadBuildInfo.
func (b BuildInfo) Complete() BuildInfo {
	info, ok := debug.ReadBuildInfo()
	return b.completeFrom(info, ok)
}

func (b BuildInfo) completeFrom(info *debug.BuildInfo, ok bool) BuildInfo {
	if ok && info != nil {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}
