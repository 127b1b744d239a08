package sync

import (
	"fmt"
	gosync "sync"

	"github.com/schollz/progressbar/v3"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// report is what the command says while and after it syncs: a bar of
// users fetched on a terminal, the closing summary, and how far it got
// when a signal stops it.
type report struct {
	opts *Options
	pace func() keepnet.PaceStats
	bar  *progressbar.ProgressBar

	mu   gosync.Mutex
	last workflows.Progress
}

func newReport(opts *Options, client *keepnet.Client) *report {
	r := &report{opts: opts, pace: client.Pace, last: workflows.Progress{Rows: -1}}
	if opts.IO.ProgressBarEnabled() {
		r.bar = cmdutil.NewUsersBar(opts.IO.ErrOut)
	}
	return r
}

// progress is the sync's Progress callback.
func (r *report) progress(p workflows.Progress) {
	r.mu.Lock()
	r.last = p
	r.mu.Unlock()
	if r.bar == nil {
		return
	}
	// The server's counts can be wrong; a bar never shrinks below what is
	// already done.
	if p.Rows >= 0 && p.Rows >= p.RowsDone && int64(p.Rows) != r.bar.GetMax64() {
		r.bar.ChangeMax(p.Rows)
	}
	r.bar.Describe(fmt.Sprintf("enrollments and jobs %d/%d, users%s", p.SourcesDone, p.Sources, cmdutil.PaceLabel(r.pace().Rate)))
	_ = r.bar.Set(p.RowsDone) // a progress bar that cannot draw is no reason to stop
}

// stop clears the bar.
func (r *report) stop() {
	if r.bar != nil {
		_ = r.bar.Finish() // as in progress
	}
}

// howFar says how far the sync got, for the line printed when a signal
// stops it.
func (r *report) howFar() string {
	r.mu.Lock()
	p := r.last
	r.mu.Unlock()
	done := "while looking up the companies"
	if p.Sources > 0 {
		done = fmt.Sprintf("after fetching %d of %s", p.SourcesDone, cmdutil.Count(p.Sources, "enrollment or job", "enrollments and jobs"))
	}
	return done + "; the database keeps every enrollment and job written whole, and the next sync completes the rest"
}

// close prints the closing summary, one row per company, and returns the
// run's outcome: err is the sync's, nil or incomplete.
func (r *report) close(res workflows.SyncResult, err error) error {
	failures := false
	for _, o := range res.Companies {
		failures = failures || o.Err != nil
	}
	t := table.Table{Headers: []string{"COMPANY", "ID", "FETCHED", "UNCHANGED", "USERS", "FAILED"}}
	if failures {
		t.Headers = append(t.Headers, "ERROR")
	}
	for _, o := range res.Companies {
		row := []string{o.Company.Name, o.Company.ID, fmt.Sprint(o.SourcesFetched), fmt.Sprint(o.SourcesUnchanged), fmt.Sprint(o.Records), fmt.Sprint(o.Failed)}
		if failures {
			problem := ""
			if o.Err != nil {
				problem = cmdutil.OneLine(o.Err.Error())
			}
			row = append(row, problem)
		}
		t.Rows = append(t.Rows, row)
	}
	w := r.opts.IO.Progress()
	fmt.Fprintf(w, "keepnet-flow: sync %d of %s into %s: %s fetched, %d unchanged, %s written",
		res.SyncID, cmdutil.Count(len(res.Companies), "company", "companies"), termsafe.String(r.opts.dbName()),
		cmdutil.Count(res.SourcesFetched, "enrollment or job", "enrollments and jobs"), res.SourcesUnchanged, cmdutil.Count(res.Users, "user", "users"))
	if res.FailedUsers > 0 {
		fmt.Fprintf(w, "; %d incomplete", res.FailedUsers)
	}
	fmt.Fprintln(w, cmdutil.PaceSummary(r.pace()))
	if err := table.Write(w, table.Text, t, nil); err != nil {
		return err
	}
	return err
}

// dbName names the database without its password.
func (o *Options) dbName() string {
	t, err := store.ParseTarget(o.DB)
	if err != nil {
		return "the database"
	}
	return t.String()
}
