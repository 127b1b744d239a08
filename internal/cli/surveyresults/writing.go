package surveyresults

import (
	"context"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/output"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// writing is one pull being written to its output: the records in the
// service's order, each company's group begun in turn (every company gets
// one, in order, even one without records), the journal kept, and the
// closing summary.
type writing struct {
	opts    *Options
	out     *output.Target
	journal *surveyJournal // nil without --resume
	// grouped is a pull across companies, written as groups (the json
	// document of companies) and summarised as a table.
	grouped bool

	client   *keepnet.Client
	pull     *workflows.Pull[workflows.SurveyRecord] // nil until opened
	w        surveyout.Writer
	position map[string]int // company ID -> index in pull.Sources
	begun    int            // the last source whose group was begun
	progress interface{ Stop() }
	step     func()

	done, failed int // records written, and of them those with an error
	// companyFails are companies that failed across companies;
	// shortfalls, companies whose listing the service would not give
	// whole (across companies, these are in companyFails too).
	companyFails []*workflows.CompanyError
	shortfalls   []*workflows.CompanyError
}

// run opens the pull for sel, writes every record and commits the output;
// on any failure nothing is committed.
func (w *writing) run(ctx context.Context, sel workflows.CompanySelection) error {
	client, err := w.opts.Client(ctx, w.opts.Pace.ClientOptions()...)
	if err != nil {
		return err
	}
	w.client = client
	req := workflows.SurveyRequest{Companies: sel, Enrollment: w.opts.Enrollment, Concurrency: w.opts.Pace.Concurrency, SpoolDir: w.out.SpoolDir()}
	if w.journal != nil {
		req.Reuse = w.journal.reuse
	}
	pull, err := workflows.OpenSurveyResults(ctx, client, req)
	if err != nil {
		return err
	}
	w.pull = pull
	if !w.grouped && len(pull.Failed) > 0 {
		return pull.Failed[0].Err
	}
	if w.journal != nil {
		if err := w.journal.start(); err != nil {
			return err
		}
	}
	cmdutil.NoticeSkipped(w.opts.IO.Progress(), pull, w.opts.Enrollment)
	if err := w.openWriter(); err != nil {
		return err
	}
	w.startProgress()
	if err := w.writeRecords(ctx); err != nil {
		_ = w.w.Discard() // the run's own error is the one to report
		w.progress.Stop()
		return err
	}
	w.progress.Stop()
	return w.finish()
}

// openWriter makes the format's writer; one company's output has the
// company's header up front, a grouped one a header per group.
func (w *writing) openWriter() error {
	var header surveyout.Header
	if !w.grouped {
		header = surveyout.HeaderOf(w.pull.Sources[0])
	}
	o := w.opts
	sw, err := surveyout.New(o.Format, w.out, header, surveyout.Options{SpoolDir: w.out.SpoolDir(), CSVRaw: o.CSVRaw, QuestionIDs: o.QuestionIDs, BOM: o.BOM, Grouped: w.grouped})
	if err != nil {
		return err
	}
	w.w = sw
	w.position = make(map[string]int, len(w.pull.Sources))
	for i, s := range w.pull.Sources {
		w.position[s.Company.ID] = i
	}
	w.begun = -1
	return nil
}

// startProgress starts the bar: for one company it counts users as they
// are written, as it always has; across companies it shows companies and
// users fetched.
func (w *writing) startProgress() {
	if w.grouped {
		w.progress, w.step = newCompaniesProgress(w.opts.IO, w.pull, w.client.Pace), func() {}
		return
	}
	bar := cmdutil.NewUsersProgress(w.opts.IO, w.client.Pace)
	w.progress, w.step = bar, func() { bar.Step(w.pull.Sources[0].Total()) }
}

// writeRecords writes the pull's records as they come, and begins the
// groups of the companies that gave none.
func (w *writing) writeRecords(ctx context.Context) error {
	for rec, err := range w.pull.Records(ctx) {
		var ce *workflows.CompanyError
		switch {
		case errors.As(err, &ce):
			if err := w.companyFailed(ce); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		if err := w.record(rec); err != nil {
			return err
		}
	}
	return w.beginUpTo(len(w.pull.Sources) - 1)
}

// beginUpTo begins the groups of the sources up to i.
func (w *writing) beginUpTo(i int) error {
	for ; w.begun < i; w.begun++ {
		if err := w.w.BeginCompany(surveyout.HeaderOf(w.pull.Sources[w.begun+1])); err != nil {
			return err
		}
	}
	return nil
}

// record writes one user's record, and keeps it in the journal.
func (w *writing) record(rec workflows.SurveyRecord) error {
	if err := w.beginUpTo(w.position[rec.CompanyID]); err != nil {
		return err
	}
	if err := w.w.WriteUser(rec.UserResult); err != nil {
		return err
	}
	if w.journal != nil {
		if err := w.journal.add(rec); err != nil {
			return err
		}
	}
	w.done++
	if rec.Error != "" {
		w.failed++
	}
	w.step()
	return nil
}

// companyFailed records a company's failure, after the records it gave.
// For one company only a listing that came up short goes on (every user
// listed is written, and the run exits 3); any other failure is the run's.
// Across companies the company's group says what failed, and the others go
// on.
func (w *writing) companyFailed(ce *workflows.CompanyError) error {
	short := errors.Is(ce, workflows.ErrIncomplete)
	if !w.grouped && !short {
		return ce.Err
	}
	if short {
		w.shortfalls = append(w.shortfalls, ce)
	}
	if w.grouped {
		w.companyFails = append(w.companyFails, ce)
		if i, ok := w.position[ce.Company.ID]; ok {
			if err := w.beginUpTo(i); err != nil {
				return err
			}
		} else if err := w.w.BeginCompany(surveyout.Header{Company: ce.Company}); err != nil {
			// A company whose survey could not be looked up: these come
			// first, each with a group of its own in json.
			return err
		}
	}
	w.w.CompanyFailed(cmdutil.OneLine(ce.Err.Error()))
	return nil
}

// finish closes the writer, commits the output and says how the pull
// ended.
func (w *writing) finish() error {
	if err := w.w.Close(); err != nil {
		return err
	}
	progress := w.opts.IO.Progress()
	if notice := w.w.DateNotice(); notice != "" {
		fmt.Fprintf(progress, "keepnet-flow: %s\n", notice)
	}
	if err := w.out.Commit(); err != nil {
		return err
	}
	complete := w.failed == 0 && len(w.shortfalls) == 0 && len(w.companyFails) == 0
	if w.journal != nil && complete {
		if err := w.journal.remove(); err != nil {
			return err
		}
	}
	if w.grouped {
		return w.closeAcrossCompanies()
	}
	return w.closeOneCompany()
}
