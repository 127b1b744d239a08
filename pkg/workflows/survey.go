package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// SurveyRequest names the survey to pull and how hard to pull it.
type SurveyRequest struct {
	// Company is the customer company's name or ID (see ResolveCompany).
	Company string
	// Enrollment is the survey enrollment's name or ID, within Company.
	Enrollment string
	// Concurrency bounds the requests in flight at once, users/search pages
	// included. Zero means DefaultSurveyConcurrency.
	Concurrency int
}

// DefaultSurveyConcurrency is the number of requests a pull keeps in flight
// when SurveyRequest.Concurrency is zero.
const DefaultSurveyConcurrency = 8

// SurveyEnrollment is the survey enrollment a pull reads.
type SurveyEnrollment struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Status    string           `json:"status,omitempty"`
	Type      string           `json:"type,omitempty"`
	StartDate keepnetdate.Time `json:"startDate,omitzero"`
	// Details is the enrollment as GET /api/enrollments/{id} returns it
	// (the envelope's data), the JSON exactly as the server sent it.
	Details json.RawMessage `json:"details,omitempty"`
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
}

// SurveyPull is a resolved survey ready to stream its users. The company,
// enrollment and summary are fetched when it is opened; users are fetched
// only while Users is being ranged over.
type SurveyPull struct {
	Company    Company
	Enrollment SurveyEnrollment
	// Summary is the enrollment's summary report (trainingType=0), the
	// envelope's data exactly as the server sent it: nothing of it is lost
	// to a field the generated type would not fit.
	Summary json.RawMessage
	// Dates is how the company writes its dates, from its settings: what
	// the outputs' ISO 8601 companions of the server's dates rest on.
	Dates CompanyDates

	scope       *keepnet.Company
	concurrency int
	total       atomic.Int64
	// pool, when set, runs the pull's requests on workers shared with
	// other pulls (see PullSurveys) instead of the pull's own.
	pool *requestPool
	// reuse, when set, supplies complete records of an earlier run: a user
	// it knows costs no request beyond the users/search page.
	reuse func(userID string) (UserResult, bool)
}

// OpenSurvey resolves the company and the survey enrollment and fetches the
// enrollment's details and summary, and the company's date format. Unknown, ambiguous or non-survey names
// are *InputError, reported before any user is fetched.
func OpenSurvey(ctx context.Context, c *keepnet.Client, req SurveyRequest) (*SurveyPull, error) {
	if req.Concurrency < 0 {
		return nil, &InputError{Field: "concurrency", Value: fmt.Sprint(req.Concurrency), Reason: "must be at least 1"}
	}
	company, err := ResolveCompany(ctx, c, req.Company)
	if err != nil {
		return nil, err
	}
	return openSurveyIn(ctx, c, company, req.Enrollment, req.Concurrency)
}

// openSurveyIn is OpenSurvey for a company already resolved.
func openSurveyIn(ctx context.Context, c *keepnet.Client, company Company, enrollmentRef string, concurrency int) (*SurveyPull, error) {
	scope := c.ForCompany(company.ID)
	enrollment, err := ResolveSurveyEnrollment(ctx, scope, enrollmentRef)
	if err != nil {
		return nil, err
	}
	// Details and summary do not depend on each other: fetch them at once.
	api := scope.API()
	var details, summary json.RawMessage
	var dates CompanyDates
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		dates = readCompanyDates(gctx, scope)
		return nil // never fails the pull: see readCompanyDates
	})
	g.Go(func() (err error) {
		details, err = fetchData(gctx, func(ctx context.Context) (*http.Response, error) {
			return api.GetEnrollmentsResourceId(ctx, enrollment.ID)
		})
		if err != nil {
			return fmt.Errorf("enrollment %s details: %w", enrollment.ID, err)
		}
		return nil
	})
	g.Go(func() (err error) {
		summary, err = fetchData(gctx, func(ctx context.Context) (*http.Response, error) {
			return api.GetTrainingReportsEnrollmentIdSummary(ctx, enrollment.ID,
				&gen.GetTrainingReportsEnrollmentIdSummaryParams{TrainingType: new(gen.TrainingTypeRequestEnum("0"))})
		})
		if err != nil {
			return fmt.Errorf("enrollment %s summary: %w", enrollment.ID, err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	enrollment.Details = details
	pull := &SurveyPull{
		Company:     company,
		Enrollment:  enrollment,
		scope:       scope,
		concurrency: concurrency,
	}
	if pull.concurrency == 0 {
		pull.concurrency = DefaultSurveyConcurrency
	}
	pull.Summary = summary
	pull.Dates = dates
	pull.total.Store(-1)
	return pull, nil
}

// Total is the number of users the server reported for the survey, or -1
// before the first users page has arrived or when the count is nonsense.
// It is safe to call while Users is running, e.g. to size a progress bar.
func (p *SurveyPull) Total() int { return int(p.total.Load()) }

// PullSurvey opens the survey and streams its users: a shorthand for
// OpenSurvey followed by Users, for callers that do not need the header.
func PullSurvey(ctx context.Context, c *keepnet.Client, req SurveyRequest) iter.Seq2[UserResult, error] {
	return func(yield func(UserResult, error) bool) {
		pull, err := OpenSurvey(ctx, c, req)
		if err != nil {
			yield(UserResult{}, err)
			return
		}
		for u, err := range pull.Users(ctx) {
			if !yield(u, err) {
				return
			}
		}
	}
}

// errNoUserID marks a users/search row that cannot be followed up.
var errNoUserID = errors.New("users/search returned this row without a targetUserResourceId")
