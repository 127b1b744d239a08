package workflows

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/internal/store"
)

// What each flow's record is as a row of the store's: the same fields,
// named for the database (docs/schema.md).

// errNotThisFlow is a record of another flow than its source's: a bug.
var errNotThisFlow = errors.New("sync: a record of another flow than its source's")

func surveyUser(r syncRecord) (u store.SurveyUser, ok, failed bool, err error) {
	s := r.Survey
	if s == nil {
		return u, false, false, errNotThisFlow
	}
	interactions, err := json.Marshal(s.Interactions)
	if err != nil {
		return u, false, false, fmt.Errorf("user %s's interactions: %w", s.TargetUserResourceID, err)
	}
	u = store.SurveyUser{TargetUserID: s.TargetUserResourceID, Email: s.Email, FirstName: s.FirstName, LastName: s.LastName,
		Department: s.Department, Status: s.Status, LastInteraction: s.LastInteractionDate, Interactions: interactions, Error: s.Error}
	unkeyed := 0
	for _, a := range s.Answers {
		if a.QuestionID == "" {
			unkeyed++
			continue
		}
		u.Answers = append(u.Answers, store.Answer{QuestionID: a.QuestionID, QuestionIndex: a.QuestionIndex, Question: a.Question,
			Answer: a.Answer, AnswerCode: a.AnswerCode, LatencySeconds: a.LatencySeconds, Options: a.Options})
	}
	if unkeyed > 0 {
		// Answers are keyed by question: one without an ID or an index
		// has no row, so the record is incomplete (and the answers stored
		// before stay).
		u.Error = errors.Join(errorOrNil(u.Error), fmt.Errorf("%d answers name no question (no scormId or index) and could not be stored", unkeyed)).Error()
	}
	return u, u.TargetUserID != "", u.Error != "", nil
}

func trainingUser(r syncRecord) (u store.TrainingUser, ok, failed bool, err error) {
	t := r.Training
	if t == nil {
		return u, false, false, errNotThisFlow
	}
	u = store.TrainingUser{TargetUserID: t.TargetUserResourceID, Email: t.Email, FirstName: t.FirstName, LastName: t.LastName,
		Department: t.Department, Status: t.Status, CurrentStep: t.CurrentStep, ExamScore: t.ExamScore, ExamStatus: t.ExamStatusName,
		FirstCompletion: t.FirstCompletionDate, LastInteraction: t.LastInteractionDate, Error: t.Error}
	return u, u.TargetUserID != "", u.Error != "", nil
}

func jobUser(r syncRecord) (u store.JobUser, ok, failed bool, err error) {
	p := r.Phishing
	if p == nil {
		return u, false, false, errNotThisFlow
	}
	u = store.JobUser{UserRowID: p.ResourceID, Email: p.Email, FirstName: p.FirstName, LastName: p.LastName,
		Department: p.Department, PhoneNumber: p.PhoneNumber, Status: p.Status, Delivery: p.Delivery, Scenario: p.Scenario,
		TargetGroups: p.TargetGroups, ActivityType: p.ActivityType, SystemActivityType: p.SystemActivityType,
		Opened: count64(p.OpenedCount), Clicked: count64(p.ClickedCount), Submitted: count64(p.SubmittedCount),
		AttachmentOpened: count64(p.AttachmentOpenedCount), Reported: count64(p.ReportedCount), MFASubmitted: count64(p.MFASubmittedCount),
		LastOpened: p.LastOpenedTime, LastClicked: p.LastClickedTime, LastSubmitted: p.LastSubmittedTime,
		LastAttachmentOpened: p.LastAttachmentOpenedTime, LastReported: p.LastReportedTime, LastMFASubmitted: p.LastMFASubmittedTime,
		LastSending: p.LastSendingTime, ReplyType: p.ReplyType, ReplySent: p.ReplySent, Error: p.Error}
	return u, u.UserRowID != "", u.Error != "", nil
}

func count64(n *int) *int64 {
	if n == nil {
		return nil
	}
	v := int64(*n)
	return &v
}

// errorOrNil is a record's error text as an error, nil when empty.
func errorOrNil(text string) error {
	if text == "" {
		return nil
	}
	return errors.New(text)
}
