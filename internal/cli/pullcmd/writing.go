package pullcmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/output"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// writing is one pull being written to its output: the records in the
// service's order, each source's group begun in turn (every source gets
// one, in order, even one without records), the journal kept, and the
// closing summary.
type writing[R any] struct {
	spec    *Spec[R]
	out     *output.Target
	journal *Journal[R] // nil without --resume
	// across is a pull across companies, summarised as a table, in which
	// a company's failure is the company's, not the run's.
	across bool

	client   *keepnet.Client
	pull     *workflows.Pull[R] // nil until opened
	w        Sink[R]
	position map[sourceKey]int // source -> index in pull.Sources
	first    map[string]int    // company ID -> index of its first source
	begun    int               // the last source whose group was begun
	company  string            // the company whose group is open, by ID
	progress interface{ Stop() }
	step     func()

	done, failed int // records written, and of them those with an error
	// companyFails are companies that failed across companies;
	// shortfalls, companies whose listing the service would not give
	// whole (across companies, these are in companyFails too).
	companyFails []*workflows.CompanyError
	shortfalls   []*workflows.CompanyError
}

type sourceKey struct{ company, source string }

// run opens the pull for sel, writes every record and commits the output;
// on any failure nothing is committed.
func (w *writing[R]) run(ctx context.Context, sel workflows.CompanySelection) error {
	flags := w.spec.Flags
	client, err := w.spec.Client(ctx, flags.Pace.ClientOptions()...)
	if err != nil {
		return err
	}
	w.client = client
	req := Request[R]{Companies: sel, Concurrency: flags.Pace.Concurrency, SpoolDir: w.out.SpoolDir()}
	if w.journal != nil {
		req.Reuse = w.journal.Reuse
	}
	pull, err := w.spec.Open(ctx, client, req)
	if err != nil {
		return err
	}
	w.pull = pull
	if !w.across && len(pull.Failed) > 0 {
		return pull.Failed[0].Err
	}
	if w.journal != nil {
		if err := w.journal.Start(); err != nil {
			return err
		}
	}
	w.spec.Skipped(w.spec.IO.Progress(), pull)
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

// openWriter makes the format's writer and indexes the sources.
func (w *writing[R]) openWriter() error {
	sink, err := w.spec.NewSink(w.pull, w.out, w.out.SpoolDir(), w.across)
	if err != nil {
		return err
	}
	w.w = sink
	w.position = make(map[sourceKey]int, len(w.pull.Sources))
	w.first = map[string]int{}
	for i, s := range w.pull.Sources {
		w.position[sourceKey{s.Company.ID, s.ID}] = i
		if _, ok := w.first[s.Company.ID]; !ok {
			w.first[s.Company.ID] = i
		}
	}
	w.begun = -1
	return nil
}

// oneSource is the source of a pull from one company of one source: its
// users are counted against the source's own total.
func (w *writing[R]) oneSource() *workflows.Source {
	if w.across || len(w.pull.Sources) != 1 {
		return nil
	}
	return w.pull.Sources[0]
}

// startProgress starts the bar: for one source it counts users as they
// are written; otherwise it shows sources and users fetched.
func (w *writing[R]) startProgress() {
	if src := w.oneSource(); src != nil {
		bar := cmdutil.NewUsersProgress(w.spec.IO, w.client.Pace)
		w.progress, w.step = bar, func() { bar.Step(src.Total()) }
		return
	}
	w.progress, w.step = newCompaniesProgress(w.spec.IO, w.spec.SourcesNoun, w.pull.Progress, w.client.Pace), func() {}
}

// writeRecords writes the pull's records as they come, and begins the
// groups of the sources that gave none.
func (w *writing[R]) writeRecords(ctx context.Context) error {
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
func (w *writing[R]) beginUpTo(i int) error {
	for ; w.begun < i; w.begun++ {
		src := w.pull.Sources[w.begun+1]
		if err := w.w.BeginSource(src); err != nil {
			return err
		}
		w.company = src.Company.ID
	}
	return nil
}

// record writes one user's record, and keeps it in the journal.
func (w *writing[R]) record(rec R) error {
	company, source := w.spec.SourceOf(rec)
	if err := w.beginUpTo(w.position[sourceKey{company, source}]); err != nil {
		return err
	}
	if err := w.w.Write(rec); err != nil {
		return err
	}
	if w.journal != nil {
		if err := w.journal.Add(rec); err != nil {
			return err
		}
	}
	w.done++
	if !w.spec.Journal.Complete(rec) {
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
func (w *writing[R]) companyFailed(ce *workflows.CompanyError) error {
	short := errors.Is(ce, workflows.ErrIncomplete)
	if !w.across && !short {
		return ce.Err
	}
	if short {
		w.shortfalls = append(w.shortfalls, ce)
	}
	if w.across {
		w.companyFails = append(w.companyFails, ce)
		if i, ok := w.first[ce.Company.ID]; ok {
			if err := w.beginUpTo(i); err != nil {
				return err
			}
		} else if err := w.w.BeginCompany(ce.Company); err != nil {
			// A company whose sources could not be looked up: these come
			// first, each with a group of its own in json.
			return err
		}
	}
	w.w.CompanyFailed(cmdutil.OneLine(ce.Err.Error()))
	return nil
}

// finish closes the writer, commits the output and says how the pull
// ended.
func (w *writing[R]) finish() error {
	if err := w.w.Close(); err != nil {
		return err
	}
	progress := w.spec.IO.Progress()
	if notice := w.w.DateNotice(); notice != "" {
		fmt.Fprintf(progress, "keepnet-flow: %s\n", notice)
	}
	if err := w.out.Commit(); err != nil {
		return err
	}
	if w.journal != nil && w.complete() {
		if err := w.journal.Remove(); err != nil {
			return err
		}
	}
	w.notices()
	if co := w.oneCompany(); co != nil {
		return w.closeOneCompany(*co)
	}
	return w.closeAcrossCompanies()
}

// complete reports whether every record of the pull was written whole.
func (w *writing[R]) complete() bool {
	return w.failed == 0 && len(w.shortfalls) == 0 && len(w.companyFails) == 0
}
