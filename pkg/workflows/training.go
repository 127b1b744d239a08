package workflows

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// TrainingRequest selects training enrollments to pull, from one customer
// company or many: by name or ID, or every one started in a window.
type TrainingRequest struct {
	// Companies says which companies (see ResolveCompanies).
	Companies CompanySelection
	// Enrollments are training enrollments' names or IDs, each resolved in
	// every company as a survey's is: the same training has another ID in
	// every company. A company named must have each of them; with All, a
	// company with none of them is listed in Pull.Skipped. Give
	// Enrollments or a window, not both.
	Enrollments []string
	// Since and Until select every training enrollment whose start date
	// falls in [Since, Until) instead; a zero bound leaves that side open.
	// The service writes start dates in the company's display format
	// without a zone: they are read as wall-clock times in Since's
	// location (Until's when Since is zero), in the day/month order the
	// company's settings name, else the one its dates show. An enrollment
	// whose date cannot be placed fails in its place, named, while the
	// others are pulled.
	Since, Until time.Time
	// Types are the enrollment types pulled: "SCORM", "Poster",
	// "Infographic", "Screensaver" or "LearningPath". Empty means SCORM.
	Types []string
	// Concurrency bounds the requests in flight at once across all the
	// companies. Zero means DefaultConcurrency.
	Concurrency int
	// SpoolDir is where the records of enrollments not yet being yielded
	// wait, in files that have no name; empty means os.TempDir().
	SpoolDir string
	// Reuse, when set, supplies the record of an earlier run of the same
	// request for the record a users/search row starts (its company,
	// enrollment and user are set). A training record needs no request
	// beyond its row, so this saves none; it lets a resumed output keep
	// the records it already holds, as the survey pull's Reuse does.
	Reuse func(partial TrainingRecord) (TrainingRecord, bool)
}

// TrainingRecord is one target user's result in a training enrollment,
// with the company and enrollment it belongs to. Dates are the server's
// text, in the company's display format or as .NET writes them (see
// keepnetdate); Source.Dates says how the company orders day and month.
type TrainingRecord struct {
	CompanyID      string `json:"companyId"`
	CompanyName    string `json:"companyName"`
	EnrollmentID   string `json:"enrollmentId"`
	EnrollmentName string `json:"enrollmentName"`
	EnrollmentType string `json:"enrollmentType"`
	// StartDate is the enrollment's, as enrollments/search lists it;
	// DueDate is its enrollmentScheduler's, from its details, zero when it
	// has none.
	StartDate keepnetdate.Time `json:"startDate"`
	DueDate   keepnetdate.Time `json:"dueDate"`

	TargetUserResourceID string `json:"targetUserResourceId"`
	Email                string `json:"email"`
	FirstName            string `json:"firstName"`
	LastName             string `json:"lastName"`
	Department           string `json:"department"`
	// Status is the service's: "Completed", "In Progress", "Opened
	// Email", "Not Responded".
	Status string `json:"status"`
	// CurrentStep is how far the user has got, as the service counts
	// steps; empty for users who have not started.
	CurrentStep string `json:"currentStep,omitempty"`
	// ExamScore is null for users without an exam result; it is not
	// always a whole number.
	ExamScore      *float64 `json:"examScore"`
	ExamStatusName string   `json:"examStatusName,omitempty"`
	// FirstCompletionDate is zero for users who never completed.
	FirstCompletionDate keepnetdate.Time `json:"firstCompletionDate"`
	LastInteractionDate keepnetdate.Time `json:"lastInteractionDate"`
	// Error is set when some of the user's row could not be read.
	Error string `json:"error,omitempty"`
}

// trainingTypes are the enrollment types of trainings, as enrollments/search
// takes them: every type but Survey.
var trainingTypes = []string{"SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}

// OpenTrainingResults resolves the companies and, in each, the training
// enrollments the request selects, and fetches each enrollment's details
// and summary and each company's date format, before any user is fetched.
// Bad input is an *InputError: an unknown or ambiguous company, an
// ambiguous enrollment in any company, for a company named one without an
// enrollment named, an enrollment that is not a training of the types
// asked for, a bad window or type.
//
// Each enrollment is one Source, in the order the company lists them, its
// Summary the training summary, whose counts the users are checked against
// once listed (see Source.Notices). A user's record is their users/search
// row: no request per user.
func OpenTrainingResults(ctx context.Context, c *keepnet.Client, req TrainingRequest) (*Pull[TrainingRecord], error) {
	f, err := newTrainingFlow(req)
	if err != nil {
		return nil, err
	}
	p, err := openPull(ctx, c, pullSpec[TrainingRecord]{
		companies:   req.Companies,
		concurrency: req.Concurrency,
		spoolDir:    req.SpoolDir,
		what:        f.what(),
		open: func(ctx context.Context, co Company) (companySources[TrainingRecord], error) {
			return f.open(ctx, c.ForCompany(co.ID), co)
		},
		skip:   noSuch,
		failed: func(r TrainingRecord) bool { return r.Error != "" },
	})
	if err != nil {
		return nil, err
	}
	if err := unmatched(&f.matched, "enrollment", f.kind+" enrollment", req.Enrollments, req.Companies, p); err != nil {
		return nil, err
	}
	return p, nil
}

// trainingFlow is a TrainingRequest checked, and what its companies'
// lookups share.
type trainingFlow struct {
	req    TrainingRequest
	types  []string
	kind   string // "SCORM training", for errors
	window window

	matched matches // the Enrollments some company has
	lookups *semaphore.Weighted
}

func newTrainingFlow(req TrainingRequest) (*trainingFlow, error) {
	f := &trainingFlow{req: req, window: window{req.Since, req.Until}, lookups: lookupLimit(req.Concurrency)}
	switch {
	case len(req.Enrollments) > 0 && f.window.set():
		return nil, &InputError{Field: "enrollment", Value: req.Enrollments[0], Reason: "cannot be combined with a window (since, until): name enrollments, or give a window"}
	case len(req.Enrollments) == 0 && !f.window.set():
		return nil, &InputError{Field: "enrollment", Reason: "is missing: name enrollments, or give a window (since, until)"}
	}
	for _, q := range req.Enrollments {
		if strings.TrimSpace(q) == "" {
			return nil, &InputError{Field: "enrollment", Reason: "is empty; pass a name or ID"}
		}
	}
	if err := f.window.check(); err != nil {
		return nil, err
	}
	types, err := checkTrainingTypes(req.Types)
	if err != nil {
		return nil, err
	}
	f.types, f.kind = types, strings.Join(types, " or ")+" training"
	return f, nil
}

// checkTrainingTypes spells each type as enrollments/search takes it, once.
func checkTrainingTypes(types []string) ([]string, error) {
	if len(types) == 0 {
		return []string{"SCORM"}, nil
	}
	var out []string
	for _, t := range types {
		i := slices.IndexFunc(trainingTypes, func(known string) bool { return strings.EqualFold(known, strings.TrimSpace(t)) })
		switch {
		case strings.EqualFold(strings.TrimSpace(t), surveyEnrollmentType):
			return nil, &InputError{Field: "type", Value: t, Reason: "is not a training type: surveys have their own results"}
		case i < 0:
			return nil, &InputError{Field: "type", Value: t, Reason: "is not a training type; the types are " + strings.Join(trainingTypes, ", ")}
		case !slices.Contains(out, trainingTypes[i]):
			out = append(out, trainingTypes[i])
		}
	}
	return out, nil
}

func (f *trainingFlow) what() string {
	if len(f.req.Enrollments) > 0 {
		return fmt.Sprintf("%s enrollments %q", f.kind, f.req.Enrollments)
	}
	return f.kind + " enrollments started in the window"
}
