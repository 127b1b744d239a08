package workflows

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/pull"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// surveySource is one company's survey as the pull reads it: its
// users/search listing, and for each user the timeline and the answers.
type surveySource struct {
	scope *keepnet.ScopedClient
	src   *Source
	reuse func(SurveyRecord) (SurveyRecord, bool)
}

// userRow is a users/search result as the pull reads it.
type userRow struct {
	TargetUserResourceID string           `json:"targetUserResourceId"`
	Email                string           `json:"email"`
	FirstName            string           `json:"firstName"`
	LastName             string           `json:"lastName"`
	Department           string           `json:"department"`
	Status               string           `json:"status"`
	LastInteractionDate  keepnetdate.Time `json:"lastInteractionDate"`

	// problem is what of the row could not be read; it becomes part of the
	// user's error.
	problem string
}

// errNoUserID marks a users/search row that cannot be followed up.
var errNoUserID = errors.New("users/search returned this row without a targetUserResourceId")

func (s *surveySource) run() pull.Source[SurveyRecord] {
	return pull.Source[SurveyRecord]{
		Tasks: s.tasks,
		Size:  surveyRecordSize,
		Total: s.src.Total,
	}
}

// tasks turns each user the survey's users/search listing gives into the
// record's task: the row's fields, then the timeline and the answers side
// by side.
func (s *surveySource) tasks(ctx context.Context, do pull.Do) iter.Seq2[pull.Task[SurveyRecord], error] {
	users := enrollmentUsers(s.scope, s.src, do, func(u userRow) string { return u.TargetUserResourceID },
		func(row userRow, problem string) userRow {
			row.problem = problem
			return row
		})
	return listedTasks(ctx, users, s.task, nil)
}

func (s *surveySource) task(row userRow) pull.Task[SurveyRecord] {
	rec := SurveyRecord{
		CompanyID: s.src.Company.ID, CompanyName: s.src.Company.Name,
		EnrollmentID: s.src.ID, EnrollmentName: s.src.Name,
		UserResult: UserResult{
			TargetUserResourceID: row.TargetUserResourceID,
			Email:                row.Email,
			FirstName:            row.FirstName,
			LastName:             row.LastName,
			Department:           row.Department,
			Status:               row.Status,
			LastInteractionDate:  row.LastInteractionDate,
			Answers:              []Answer{},
			Interactions:         []Interaction{},
		},
	}
	var rowErr error
	if row.problem != "" {
		rowErr = fmt.Errorf("users/search: %s", row.problem)
	}
	id := row.TargetUserResourceID
	if id == "" {
		rec.Error = errors.Join(rowErr, errNoUserID).Error()
		return pull.Task[SurveyRecord]{Record: rec}
	}
	if s.reuse != nil {
		if known, ok := s.reuse(rec); ok {
			return pull.Task[SurveyRecord]{Record: known}
		}
	}
	return pull.Task[SurveyRecord]{
		Record: rec,
		Steps: []func(context.Context, *SurveyRecord) error{
			func(ctx context.Context, r *SurveyRecord) (err error) {
				r.Interactions, err = s.fetchInteractions(ctx, id)
				return err
			},
			func(ctx context.Context, r *SurveyRecord) (err error) {
				r.Answers, err = s.fetchAnswers(ctx, id)
				return err
			},
		},
		Finish: func(r *SurveyRecord, errs []error) {
			if err := errors.Join(append([]error{rowErr}, errs...)...); err != nil {
				r.Error = err.Error()
			}
		},
	}
}

// surveyRecordSize estimates the bytes a record holds: its text. A user's
// record is a few KB; a hostile service's can be tens of MB.
func surveyRecordSize(r *SurveyRecord) int64 {
	n := 256 + len(r.Email) + len(r.FirstName) + len(r.LastName) + len(r.Department) + len(r.Error)
	for _, a := range r.Answers {
		n += 96 + len(a.QuestionID) + len(a.Question) + len(a.Answer) + len(a.AnswerCode)
		for _, o := range a.Options {
			n += 16 + len(o)
		}
	}
	n += 64 * len(r.Interactions)
	return int64(n)
}

func (s *surveySource) fetchInteractions(ctx context.Context, userID string) ([]Interaction, error) {
	var events []Interaction
	_, _, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return s.scope.API().GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceId(ctx, s.src.ID, userID,
			&gen.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdParams{TrainingType: new(gen.TrainingTypeRequestEnum("0"))})
	}, func(body *timelineBody, r *keepnet.DecodeReport) (err error) {
		events, err = timelineOf(body, r)
		return err
	})
	if err != nil {
		return []Interaction{}, fmt.Errorf("interactions: %w", err)
	}
	return events, nil
}

func (s *surveySource) fetchAnswers(ctx context.Context, userID string) ([]Answer, error) {
	var answers []Answer
	_, _, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return s.scope.API().GetTrainingReportsExamResultSessionsTargetUserResourceId(ctx, s.src.ID, userID)
	}, func(body *sessionsBody, r *keepnet.DecodeReport) (err error) {
		answers, err = answersOfBody(body, r, s.src.Dates.Order)
		return err
	})
	if err != nil {
		return []Answer{}, fmt.Errorf("answers: %w", err)
	}
	return answers, nil
}
