package workflows

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// SurveysRequest names one survey to pull from several customer companies.
type SurveysRequest struct {
	// CompanySelection says which companies (see ResolveCompanies). Each
	// company named must have the survey; with All, a company without it
	// is listed in SurveysPull.Skipped instead.
	CompanySelection
	// Enrollment is the survey enrollment's name or ID, resolved in each
	// company: the same survey has a different ID in every company.
	Enrollment string
	// Concurrency bounds the requests in flight at once across all the
	// companies. Zero means DefaultSurveyConcurrency.
	Concurrency int
	// SpoolDir is where the records of companies not yet being yielded
	// wait, in files that have no name; empty means os.TempDir().
	SpoolDir string
	// Reuse, when set, supplies complete records of an earlier run of the
	// same request: a user it returns a record for is not fetched again
	// (the users/search pages still are, to keep the order). The CLI's
	// --resume journal is one.
	Reuse func(companyID, userID string) (UserResult, bool)
}

// SurveyRecord is one target user's survey record with the company and
// the survey enrollment it belongs to (the same survey has another ID in
// every company). The JSON field names are the output contract of the
// survey-results command: companyId, companyName, enrollmentId,
// enrollmentName, then UserResult's.
type SurveyRecord struct {
	CompanyID      string `json:"companyId"`
	CompanyName    string `json:"companyName"`
	EnrollmentID   string `json:"enrollmentId"`
	EnrollmentName string `json:"enrollmentName"`
	UserResult
}

// SkippedCompany is a company of a pull from all companies that has no such
// survey.
type SkippedCompany struct {
	Company Company
	// Reason says why, in one line.
	Reason string
}

// CompanyError is one company's failure in a multi-company pull; the other
// companies go on.
type CompanyError struct {
	Company Company
	Err     error
}

func (e *CompanyError) Error() string {
	return fmt.Sprintf("company %q (%s): %v", e.Company.Name, e.Company.ID, e.Err)
}

func (e *CompanyError) Unwrap() error { return e.Err }

// SurveysPull is a survey resolved in several companies, ready to stream
// their records. Everything that can be bad input has been checked when it
// is opened.
type SurveysPull struct {
	// Surveys are the companies' pulls, in the order the companies were
	// named (for All, the order companies/search lists them).
	Surveys []*SurveyPull
	// Skipped are the companies of a pull from all companies without the survey.
	Skipped []SkippedCompany
	// Failed are companies whose survey could not be looked up after the
	// client's retries (not bad input: a 403 or a 5xx that persisted).
	Failed []*CompanyError

	concurrency int
	spoolDir    string
	queues      atomic.Pointer[[]*recordQueue]
	summaries   []CompanySummary
}

// OpenSurveys resolves the companies and, in each, the survey enrollment,
// and fetches every enrollment's details and summary, before any user is
// fetched. Bad input is an *InputError naming the company: an unknown or
// ambiguous company, an ambiguous enrollment in any company, or, for a
// company named in Companies, one without the survey.
func OpenSurveys(ctx context.Context, c *keepnet.Client, req SurveysRequest) (*SurveysPull, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	concurrency := req.Concurrency
	if concurrency == 0 {
		concurrency = DefaultSurveyConcurrency
	}
	companies, err := ResolveCompanies(ctx, c, req.CompanySelection)
	if err != nil {
		return nil, err
	}
	type outcome struct {
		pull *SurveyPull
		err  error
	}
	outcomes := make([]outcome, len(companies))
	g, gctx := errgroup.WithContext(ctx)
	// A company's lookup has at most two requests in flight (details and
	// summary, after the enrollment search): half as many companies at
	// once as the budget allows keeps it busy and within bounds.
	g.SetLimit(max(1, concurrency/2))
	for i, co := range companies {
		g.Go(func() error {
			pull, err := openSurveyIn(gctx, c, co, req.Enrollment, concurrency)
			if err != nil && gctx.Err() != nil {
				return err
			}
			outcomes[i] = outcome{pull, err}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("look up survey %q: %w", req.Enrollment, err)
	}
	p := &SurveysPull{concurrency: concurrency, spoolDir: req.SpoolDir}
	for i, o := range outcomes {
		co := companies[i]
		var ie *InputError
		switch {
		case o.err == nil:
			if req.Reuse != nil {
				o.pull.reuse = func(userID string) (UserResult, bool) { return req.Reuse(co.ID, userID) }
			}
			p.Surveys = append(p.Surveys, o.pull)
		case errors.As(o.err, &ie) && req.All && (ie.unknown || ie.notSurvey):
			p.Skipped = append(p.Skipped, SkippedCompany{Company: co, Reason: ie.Reason})
		case errors.As(o.err, &ie):
			return nil, &InputError{Field: ie.Field, Value: ie.Value, Reason: fmt.Sprintf("in company %q (%s): %s", co.Name, co.ID, ie.Reason)}
		default:
			p.Failed = append(p.Failed, &CompanyError{Company: co, Err: o.err})
		}
	}
	if req.All && len(p.Surveys) == 0 && len(p.Failed) == 0 {
		return nil, &InputError{Field: "enrollment", Value: req.Enrollment, Reason: fmt.Sprintf("matches no survey in any of the %d companies these credentials manage", len(companies))}
	}
	return p, nil
}

func (req SurveysRequest) validate() error {
	switch {
	case req.Concurrency < 0:
		return &InputError{Field: "concurrency", Value: fmt.Sprint(req.Concurrency), Reason: "must be at least 1"}
	case strings.TrimSpace(req.Enrollment) == "":
		return &InputError{Field: "enrollment", Reason: "is empty; pass a name or ID"}
	}
	return nil
}

// PullSurveys opens the survey in every company the request selects and
// streams their records: a shorthand for OpenSurveys followed by Records,
// for callers that need neither the skipped companies nor the summary.
// Bad input (an *InputError) comes as the only element; a company that
// fails is a *CompanyError, after which the next company's records follow;
// any other error ends the sequence.
func PullSurveys(ctx context.Context, c *keepnet.Client, req SurveysRequest) iter.Seq2[SurveyRecord, error] {
	return func(yield func(SurveyRecord, error) bool) {
		pull, err := OpenSurveys(ctx, c, req)
		if err != nil {
			yield(SurveyRecord{}, err)
			return
		}
		for r, err := range pull.Records(ctx) {
			if !yield(r, err) {
				return
			}
		}
	}
}
