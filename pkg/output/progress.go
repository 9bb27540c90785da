package output

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress reports work done. On a pipe, or with --no-progress or --quiet,
// it is silent: nothing decorative reaches a file or a CI log.
type Progress interface {
	Add(n int)
	Finish()
}

type noProgress struct{}

func (noProgress) Add(int) {}
func (noProgress) Finish() {}

type barProgress struct{ bar *progressbar.ProgressBar }

func (p barProgress) Add(n int) { _ = p.bar.Add(n) }
func (p barProgress) Finish()   { _ = p.bar.Finish() }

// NewProgress returns a bar on ErrOut when it is a terminal and enabled,
// and a silent Progress otherwise. total < 0 means unknown.
func NewProgress(s *IOStreams, enabled bool, total int64, label string) Progress {
	if !enabled || !s.IsStderrTTY() {
		return noProgress{}
	}
	return barProgress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(s.rawErr()),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

func (s *IOStreams) rawErr() io.Writer {
	if s.rawErrOut != nil {
		return s.rawErrOut
	}
	return s.ErrOut
}
