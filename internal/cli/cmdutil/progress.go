package cmdutil

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// UsersProgress is a progress bar on stderr counting users as they are
// written, drawn only when stderr is a terminal (a log file or a pipe gets
// no control characters) and not under --quiet.
type UsersProgress struct {
	bar   *progressbar.ProgressBar
	pace  func() keepnet.PaceStats
	total int
	rate  string // the pace shown, as shown
}

// NewUsersProgress starts the bar on ios's stderr, if it is drawn at all;
// pace is the client's.
func NewUsersProgress(ios *iostreams.IOStreams, pace func() keepnet.PaceStats) *UsersProgress {
	if !ios.ProgressBarEnabled() {
		return &UsersProgress{}
	}
	return &UsersProgress{bar: NewUsersBar(ios.ErrOut), pace: pace, total: -1}
}

// NewUsersBar is the bar the progress lines draw on w: users counted, a
// spinner until the server's count turns it into a bar with an ETA.
func NewUsersBar(w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("users"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("users"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// Step counts one user; total is the server's count once known (-1
// before), which turns the spinner into a bar with an ETA.
func (p *UsersProgress) Step(total int) {
	if p.bar == nil {
		return
	}
	if r := PaceLabel(p.pace().Rate); r != p.rate {
		p.rate = r
		p.bar.Describe("users" + r)
	}
	// The server's count can be wrong; a bar never shrinks below what is
	// already done.
	if total >= 0 && total != p.total && total >= int(p.bar.State().CurrentNum) {
		p.total = total
		p.bar.ChangeMax(total)
	}
	_ = p.bar.Add(1) // a progress bar that cannot draw is no reason to stop
}

// Stop clears the bar.
func (p *UsersProgress) Stop() {
	if p.bar != nil {
		_ = p.bar.Finish() // as in Step
	}
}

// PaceLabel describes the client's pace for a progress line, rounded so
// that the line does not flicker.
func PaceLabel(rate float64) string {
	if rate <= 0 {
		return ""
	}
	return fmt.Sprintf(" (paced at %.0f req/s)", rate)
}
