package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"

	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/internal/pull"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// DefaultConcurrency is the number of requests a pull keeps in flight when
// its request's Concurrency is zero.
const DefaultConcurrency = 8

// Pull is a flow's results across companies, resolved and ready to stream:
// what OpenSurveyResults, OpenTrainingResults and OpenPhishingResults
// return. Everything that can be bad input has been checked when it is
// opened; records are fetched only while Records is being ranged over.
type Pull[R any] struct {
	// Sources are the listings the records come from (a company's survey
	// enrollment, a training enrollment, a phishing job), in the order
	// their records come: the companies in the order named (for all
	// companies, the order the service lists them).
	Sources []*Source
	// Skipped are companies of a pull from all companies that have
	// nothing to pull (no such survey, say), each with the reason.
	Skipped []CompanyOutcome
	// Failed are companies whose sources could not be looked up after the
	// client's retries (not bad input: a 403 or a 5xx that persisted).
	Failed []CompanyOutcome

	run      *pull.Run[R]
	failed   func(R) bool
	outcomes []CompanyOutcome
	// notices are said of a company as a whole when its sources were
	// looked up (what was left out), by company ID.
	notices map[string][]string
}

// Source is one listing a pull reads, with what the service says of it
// before its first row.
type Source struct {
	Company Company `json:"company"`
	// ID, Name, Type, Status and StartDate describe the enrollment or job
	// the rows belong to. A phishing job's ID is its campaign's ID and
	// instance group, "campaignID/instanceGroup".
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Type      string           `json:"type,omitempty"`
	Status    string           `json:"status,omitempty"`
	StartDate keepnetdate.Time `json:"startDate,omitzero"`
	// Details and Summary are the service's details and summary report of
	// the enrollment or job, the envelope's data exactly as it was sent:
	// nothing of it is lost to a field a generated type would not fit.
	Details json.RawMessage `json:"details,omitempty"`
	Summary json.RawMessage `json:"summary,omitempty"`
	// Dates is how the company writes its dates, from its settings: what
	// the outputs' ISO 8601 companions of the service's dates rest on.
	Dates CompanyDates `json:"-"`

	total atomic.Int64
	// promised is the row count the summary gave (0 when it gave none),
	// which bounds how far the listing may run, unless unbounded.
	promised  int64
	unbounded bool

	mu      sync.Mutex
	notices []string
}

// Total is the number of rows the service reported for the source, or -1
// before its first page has arrived or when the count is nonsense. It is
// safe to call while Records runs, e.g. to size a progress bar.
func (s *Source) Total() int { return int(s.total.Load()) }

// Notices are what the pull found worth telling about the source that is
// not an error of a record: a summary whose counts the users listed
// disagree with, activity the service marks as a scanner's, a date it
// could not read. The records stand either way. It is safe to call while
// Records runs, and complete once the source's records have been yielded;
// each company's CompanyOutcome.Notices gathers its sources'.
func (s *Source) Notices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.notices)
}

// notice adds a notice, naming the source.
func (s *Source) notice(format string, args ...any) {
	msg := fmt.Sprintf("%s %q (%s): %s", s.kind(), s.Name, s.ID, fmt.Sprintf(format, args...))
	s.mu.Lock()
	s.notices = append(s.notices, msg)
	s.mu.Unlock()
}

// kind names what the source is, for notices: "phishing job", "SCORM
// enrollment".
func (s *Source) kind() string {
	switch Channel(s.Type) {
	case ChannelPhishing, ChannelSmishing, ChannelQuishing:
		return s.Type + " job"
	}
	return strings.TrimSpace(s.Type + " enrollment")
}

// Progress is how far a pull has got.
type Progress struct {
	Sources, SourcesDone int
	// Rows is the service's row count summed over the sources, or -1
	// while some source's count is not known yet; RowsDone counts the
	// records fetched so far, yielded or not.
	Rows, RowsDone int
}

// Records streams every source's records: all of the first source's in the
// order the service lists them, then the next source's, and so on, so two
// pulls of the same data give the same output. Sources are fetched side by
// side on one pool of requests, so the request budget stays busy until the
// last one is done; records of a source not being yielded yet wait in a
// spool file with no name, not in memory.
//
// A record whose data could not be fetched after the client's retries is
// still yielded, carrying its error. A source that fails, or whose listing
// could not be shown whole, ends with a *CompanyError after the records it
// gave, and the next source follows: the caller may keep ranging. Companies
// in Failed come first, each as a *CompanyError. Any other error (a
// cancelled context) ends the sequence. Records may be ranged over once.
func (p *Pull[R]) Records(ctx context.Context) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		var zero R
		p.outcomes = append(p.outcomes[:0], p.Failed...)
		for _, f := range p.Failed {
			if !yield(zero, &CompanyError{Company: f.Company, Err: f.Err}) {
				return
			}
		}
		var cur *CompanyOutcome
		for it, err := range p.run.Items(ctx) {
			if err != nil {
				yield(zero, err)
				return
			}
			src := p.Sources[it.Source]
			if cur == nil || cur.Company.ID != src.Company.ID {
				p.outcomes = append(p.outcomes, CompanyOutcome{Company: src.Company, Notices: slices.Clone(p.notices[src.Company.ID])})
				cur = &p.outcomes[len(p.outcomes)-1]
			}
			if !it.End {
				cur.Records++
				if p.failed(it.Record) {
					cur.Failed++
				} else {
					cur.Complete++
				}
				if !yield(it.Record, nil) {
					return
				}
				continue
			}
			cur.Notices = append(cur.Notices, src.Notices()...)
			if it.Err != nil {
				err := it.Err
				if le := (*ListingError)(nil); errors.As(err, &le) {
					// The records the listing gave stand; what it could not
					// give is missing from the pull.
					err = shortListing{err}
				}
				cur.Err = errors.Join(cur.Err, err)
				cur.Error = cur.Err.Error()
				if !yield(zero, &CompanyError{Company: src.Company, Err: err}) {
					return
				}
			}
		}
	}
}

// Outcomes says how each company's part ended, in the order Records yielded
// them (failed look-ups first); complete once Records has ended.
func (p *Pull[R]) Outcomes() []CompanyOutcome { return p.outcomes }

// Err summarises a pull Records has finished: nil when every record is
// complete, else an error wrapping ErrIncomplete that says what is missing.
func (p *Pull[R]) Err() error {
	var companies, records int
	var first error
	for _, o := range p.outcomes {
		if o.Err != nil {
			companies++
			if first == nil {
				first = &CompanyError{Company: o.Company, Err: o.Err}
			}
		}
		records += o.Failed
	}
	switch {
	case companies > 0:
		return fmt.Errorf("%d of %s could not be pulled completely, first %v: %w", companies, plural.Count(len(p.outcomes), "company", "companies"), first, ErrIncomplete)
	case records > 0:
		return fmt.Errorf("%s could not be fetched completely (each carries its error): %w", plural.Count(records, "record", "records"), ErrIncomplete)
	}
	return nil
}

// Progress is how far Records has got; it is safe to call while Records
// runs, e.g. from a progress display.
func (p *Pull[R]) Progress() Progress {
	pr := p.run.Progress()
	return Progress{Sources: pr.Sources, SourcesDone: pr.SourcesDone, Rows: pr.Rows, RowsDone: pr.RowsDone}
}

// shortListing is a source whose listing could not be shown whole: an
// incomplete pull (ErrIncomplete), with the listing's own error.
type shortListing struct{ err error }

func (e shortListing) Error() string   { return e.err.Error() }
func (e shortListing) Unwrap() []error { return []error{e.err, ErrIncomplete} }

// opened is one source as a flow opened it: what the caller sees, and how
// its records are made.
type opened[R any] struct {
	source *Source
	run    pull.Source[R]
}

// companySources are a company's sources as a flow looked them up.
type companySources[R any] struct {
	sources []opened[R]
	// none says why the company has nothing to pull, when sources is
	// empty: the company is skipped with it.
	none string
	// notices are said of the company as a whole, e.g. what the request
	// left out of it.
	notices []string
}

// pullSpec is what a flow tells openPull.
type pullSpec[R any] struct {
	companies   CompanySelection
	concurrency int
	spoolDir    string
	// open looks up a company's sources.
	open func(ctx context.Context, co Company) (companySources[R], error)
	// skip reports whether a company's lookup error means the company has
	// nothing to pull (in a pull from all companies), not bad input.
	skip func(error) bool
	// failed reports whether a record carries an error.
	failed func(R) bool
	// what names what is pulled, for errors ("survey \"X\"").
	what string
}

// openPull resolves the companies and opens each company's sources, side
// by side, before any row is fetched. Bad input is an *InputError naming
// the company: an unknown or ambiguous company, or, in a company named,
// what open says is bad input; a company of a pull from all companies with
// nothing to pull is skipped.
func openPull[R any](ctx context.Context, c *keepnet.Client, spec pullSpec[R]) (*Pull[R], error) {
	if spec.concurrency < 0 {
		return nil, &InputError{Field: "concurrency", Value: fmt.Sprint(spec.concurrency), Reason: "must be at least 1"}
	}
	if spec.concurrency == 0 {
		spec.concurrency = DefaultConcurrency
	}
	companies, err := ResolveCompanies(ctx, c, spec.companies)
	if err != nil {
		return nil, err
	}
	type outcome struct {
		companySources[R]
		err error
	}
	outcomes := make([]outcome, len(companies))
	g, gctx := errgroup.WithContext(ctx)
	// A company's lookup has a few requests in flight at most (details
	// and summary, after a search): half as many companies at once as the
	// budget allows keeps it busy and within bounds.
	g.SetLimit(max(1, spec.concurrency/2))
	for i, co := range companies {
		g.Go(func() error {
			found, err := spec.open(gctx, co)
			if err != nil && gctx.Err() != nil {
				return err
			}
			outcomes[i] = outcome{found, err}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("look up %s: %w", spec.what, err)
	}
	p := &Pull[R]{failed: spec.failed, run: &pull.Run[R]{Options: pull.Options{Concurrency: spec.concurrency, SpoolDir: spec.spoolDir}}}
	for i, o := range outcomes {
		co := companies[i]
		var ie *InputError
		switch {
		case o.err == nil && len(o.sources) == 0:
			p.Skipped = append(p.Skipped, CompanyOutcome{Company: co, Skipped: o.none, Notices: o.notices})
		case o.err == nil:
			if len(o.notices) > 0 {
				if p.notices == nil {
					p.notices = map[string][]string{}
				}
				p.notices[co.ID] = o.notices
			}
			for _, s := range o.sources {
				p.Sources = append(p.Sources, s.source)
				p.run.Sources = append(p.run.Sources, s.run)
			}
		case errors.As(o.err, &ie) && spec.companies.All && spec.skip != nil && spec.skip(o.err):
			p.Skipped = append(p.Skipped, CompanyOutcome{Company: co, Skipped: ie.Reason})
		case errors.As(o.err, &ie):
			// The company is named; the rest of what was wrong stays, so a
			// caller can still suggest and point to where names are listed.
			in := *ie
			in.Reason = fmt.Sprintf("in company %q (%s): %s", co.Name, co.ID, ie.Reason)
			return nil, &in
		default:
			p.Failed = append(p.Failed, CompanyOutcome{Company: co, Error: o.err.Error(), Err: o.err})
		}
	}
	return p, nil
}
