package pullcmd

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// companiesProgress is the progress bar of a pull of many sources:
// sources fetched of all (a company's survey, an enrollment, a job), users
// fetched of the server's counts summed. It is refreshed from the pull's
// own counts, not per record written: sources are fetched side by side,
// ahead of the records written.
type companiesProgress struct {
	bar     *progressbar.ProgressBar
	counts  func() workflows.Progress
	pace    func() keepnet.PaceStats
	noun    string // what the sources are
	total   int
	stopped chan struct{}
	ticker  sync.WaitGroup
}

// newCompaniesProgress starts the bar on ios's stderr, if it is drawn at
// all; noun names the sources ("companies", "jobs"), counts are the
// pull's, pace the client's.
func newCompaniesProgress(ios *iostreams.IOStreams, noun string, counts func() workflows.Progress, pace func() keepnet.PaceStats) *companiesProgress {
	if !ios.ProgressBarEnabled() {
		return &companiesProgress{}
	}
	p := &companiesProgress{bar: cmdutil.NewUsersBar(ios.ErrOut), counts: counts, pace: pace, noun: noun, total: -1, stopped: make(chan struct{})}
	p.ticker.Go(func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				p.refresh()
			case <-p.stopped:
				return
			}
		}
	})
	return p
}

// refresh shows the pull's counts; the server's count, once known, turns
// the spinner into a bar with an ETA.
func (p *companiesProgress) refresh() {
	pr := p.counts()
	// The server's count can be wrong; a bar never shrinks below what is
	// already done.
	if pr.Rows >= 0 && pr.Rows != p.total && pr.Rows >= pr.RowsDone {
		p.total = pr.Rows
		p.bar.ChangeMax(pr.Rows)
	}
	p.bar.Describe(fmt.Sprintf("%s %d/%d, users%s", p.noun, pr.SourcesDone, pr.Sources, cmdutil.PaceLabel(p.pace().Rate)))
	_ = p.bar.Set(pr.RowsDone) // a progress bar that cannot draw is no reason to stop
}

// Stop ends the ticker and clears the bar; it may be called more than
// once.
func (p *companiesProgress) Stop() {
	if p.bar == nil {
		return
	}
	select {
	case <-p.stopped:
		return
	default:
	}
	close(p.stopped)
	p.ticker.Wait()
	_ = p.bar.Finish() // as in refresh
}
