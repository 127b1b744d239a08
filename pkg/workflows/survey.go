package workflows

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// SurveyRequest names one survey to pull, from one customer company or
// many: the survey-results flow of the vendor's how-to pages.
type SurveyRequest struct {
	// Companies says which companies (see ResolveCompanies). Each company
	// named must have the survey; with All, a company without it is
	// listed in Pull.Skipped instead.
	Companies CompanySelection
	// Enrollment is the survey enrollment's name or ID, resolved in each
	// company: the same survey has a different ID in every company.
	Enrollment string
	// Since and Until select every survey enrollment whose start date
	// falls in [Since, Until) instead of one named, read as
	// TrainingRequest's are. A company without one is listed in
	// Pull.Skipped. Give Enrollment or a window, not both.
	Since, Until time.Time
	// Concurrency bounds the requests in flight at once across all the
	// companies, users/search pages included. Zero means
	// DefaultConcurrency.
	Concurrency int
	// SpoolDir is where the records of companies not yet being yielded
	// wait, in files that have no name; empty means os.TempDir().
	SpoolDir string
	// Unbounded lets users/search run past the user count the survey's
	// summary gives by more than a page or a tenth. Without it, such a
	// listing stops with an error naming both numbers: a service that
	// sends new rows forever is stopped early.
	Unbounded bool
	// Reuse, when set, supplies the complete record of an earlier run of
	// the same request for the record a users/search row starts (its
	// company, enrollment and user are set): a user it knows is not
	// fetched again. The users/search pages still are, to keep the order.
	Reuse func(partial SurveyRecord) (SurveyRecord, bool)
}

// SurveyRecord is one target user's survey record with the company and the
// survey enrollment it belongs to (the same survey has another ID in every
// company). The JSON field names are the survey-results output contract:
// companyId, companyName, enrollmentId, enrollmentName, then UserResult's.
type SurveyRecord struct {
	CompanyID      string `json:"companyId"`
	CompanyName    string `json:"companyName"`
	EnrollmentID   string `json:"enrollmentId"`
	EnrollmentName string `json:"enrollmentName"`
	UserResult
}

// OpenSurveyResults resolves the companies and, in each, the survey
// enrollment, and fetches every enrollment's details and summary and each
// company's date format, before any user is fetched. Bad input is an
// *InputError naming the company: an unknown or ambiguous company, an
// ambiguous enrollment in any company, or, for a company named, one without
// the survey.
//
// Each user's record is the users/search row, the interaction timeline and
// the answers, which live in exam-result-sessions, not in interactions
// (the latest session, keyed by question ID).
func OpenSurveyResults(ctx context.Context, c *keepnet.Client, req SurveyRequest) (*Pull[SurveyRecord], error) {
	w := window{req.Since, req.Until}
	if w.set() {
		return openSurveysStarted(ctx, c, req, w)
	}
	if strings.TrimSpace(req.Enrollment) == "" {
		return nil, &InputError{Field: "enrollment", Reason: "is empty; pass a name or ID"}
	}
	p, err := openPull(ctx, c, pullSpec[SurveyRecord]{
		companies:   req.Companies,
		concurrency: req.Concurrency,
		spoolDir:    req.SpoolDir,
		what:        fmt.Sprintf("survey %q", req.Enrollment),
		open: func(ctx context.Context, co Company) (companySources[SurveyRecord], error) {
			s, err := openSurvey(ctx, c.ForCompany(co.ID), co, req)
			if err != nil {
				return companySources[SurveyRecord]{}, err
			}
			return companySources[SurveyRecord]{sources: []opened[SurveyRecord]{s}}, nil
		},
		skip:   noSuch,
		failed: func(r SurveyRecord) bool { return r.Error != "" },
	})
	if err != nil {
		return nil, err
	}
	if req.Companies.All && len(p.Sources) == 0 && len(p.Failed) == 0 {
		return nil, &InputError{Field: "enrollment", Value: req.Enrollment, Reason: "matches no survey in " + anyOfCompanies(len(p.Skipped))}
	}
	return p, nil
}

// openSurvey resolves the survey in one company and fetches what the
// outputs carry before the first user: the enrollment's details and
// summary, and the company's date format.
func openSurvey(ctx context.Context, scope *keepnet.ScopedClient, co Company, req SurveyRequest) (opened[SurveyRecord], error) {
	enrollment, err := resolveEnrollment(ctx, scope, surveyEnrollmentType, "survey", req.Enrollment)
	if err != nil {
		return opened[SurveyRecord]{}, err
	}
	src := &Source{Company: co, ID: enrollment.ID, Name: enrollment.Name, Type: enrollment.Type, Status: enrollment.Status,
		StartDate: keepnetdate.FromString(enrollment.StartDate)}
	if err := readSourceHeader(ctx, scope, src); err != nil {
		return opened[SurveyRecord]{}, err
	}
	src.unbounded = req.Unbounded
	s := &surveySource{scope: scope, src: src, reuse: req.Reuse}
	return opened[SurveyRecord]{source: src, run: s.run()}, nil
}

// readSourceHeader fetches an enrollment's details and summary and the
// company's date format, side by side: none depends on another.
func readSourceHeader(ctx context.Context, scope *keepnet.ScopedClient, src *Source) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		src.Dates = ReadCompanyDates(gctx, scope)
		return nil // never fails the pull: see ReadCompanyDates
	})
	g.Go(func() error { return readEnrollmentHeader(gctx, scope, src) })
	if err := g.Wait(); err != nil {
		return err
	}
	src.total.Store(-1)
	return nil
}

// UserResult is one target user's survey record. The JSON field names are
// the output contract of the survey-results command.
type UserResult struct {
	TargetUserResourceID string `json:"targetUserResourceId"`
	Email                string `json:"email"`
	FirstName            string `json:"firstName"`
	LastName             string `json:"lastName"`
	Department           string `json:"department"`
	Status               string `json:"status"`
	// LastInteractionDate is kept as the server sent it: its format depends
	// on the company's display settings (see keepnetdate).
	LastInteractionDate keepnetdate.Time `json:"lastInteractionDate"`
	// Answers are the user's answers in their latest session, one per
	// question ID, in the order the session lists them.
	Answers []Answer `json:"answers"`
	// Interactions is the user's event timeline (sent, opened, clicked, ...).
	Interactions []Interaction `json:"interactions"`
	// Error is set when some of this user's data could not be fetched after
	// retries; whatever was fetched is still filled in.
	Error string `json:"error,omitempty"`
}

// Answer is one question answered in a survey session.
type Answer struct {
	// QuestionID is the question's scormId, stable across users even when
	// they were shown different question counts.
	QuestionID string `json:"questionId"`
	// QuestionIndex is the question's position in the user's session
	// (the session's index), when the server sent one. It places the
	// question in the survey's order; it is not a key, as users shown
	// fewer questions see later ones at lower indexes.
	QuestionIndex *int   `json:"questionIndex,omitempty"`
	Question      string `json:"question"`
	// Answer is the text of the option the user chose; several chosen
	// options are joined with "; ". For free-text questions it is the
	// response itself.
	Answer string `json:"answer"`
	// AnswerCode is the SCORM response code (studentOrLearnerResponse),
	// e.g. "4_Strongly_Agree".
	AnswerCode string `json:"answerCode"`
	// LatencySeconds is how long the user took to answer; null when the
	// server sent no latency or one that is not an ISO-8601 duration.
	LatencySeconds *float64 `json:"latencySeconds"`
	// Options are the question's options as the session listed them,
	// chosen or not, so that a report made from saved records can count
	// the options nobody chose, in the survey's order. Free-text
	// questions have none.
	Options []string `json:"options,omitempty"`
}

// Interaction is one event of a user's timeline.
type Interaction struct {
	Event string `json:"event"`
	// Time is kept as the server sent it.
	Time keepnetdate.Time `json:"time"`
	// ActivityType and SystemActivityType are a simulation event's: who
	// the service says acted, a person or a scanner (see PhishingRecord),
	// as it sent them; empty in survey timelines.
	ActivityType       string `json:"activityType,omitempty"`
	SystemActivityType string `json:"systemActivityType,omitempty"`
}
