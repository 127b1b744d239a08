package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// Kind is what an enrollment reports: a survey, or training of any
// enrollment type (SCORM, poster, …).
type Kind string

// The kinds of enrollment.
const (
	KindSurvey   Kind = "survey"
	KindTraining Kind = "training"
)

// Enrollment is a survey or training enrollment as its listing, details
// and summary give it.
type Enrollment struct {
	Company Company
	ID      string
	Name    string
	Kind    Kind
	// Type is the service's enrollment type ("Survey", "SCORM", …) and
	// Status its status ("Sending", "Finished", …), as sent.
	Type, Status string
	// MarkedAsTest is the summary's test flag, nil when it gave none.
	MarkedAsTest *bool
	// StartDate, DueDate and CreateTime are as the service sent them.
	StartDate, DueDate, CreateTime keepnetdate.Time
	Counts                         EnrollmentCounts
	// Summary and Details are the service's summary and details, the
	// envelope's data as sent; kept whole so nothing is lost to a column
	// the schema lacks. Details nil means they were not fetched (a
	// re-sync that found the enrollment unchanged): the details and due
	// date stored before stay, whatever DueDate says.
	Summary, Details json.RawMessage
	// Finished says the service is done with the enrollment, so that
	// its users change only as its summary counts show (see
	// EnrollmentChanged). The caller decides from the service's status.
	Finished bool
	// DateOrder is how the company writes dates (see keepnetdate);
	// Unknown lets the enrollment's own dates tell.
	DateOrder keepnetdate.Order
}

// EnrollmentCounts are a summary's counts of users; nil where it gave none.
type EnrollmentCounts struct {
	Targeted, Delivered, Opened, Completed, InProgress, NotResponded, FailedExam *int64
}

func (c EnrollmentCounts) list() []*int64 {
	return []*int64{c.Targeted, c.Delivered, c.Opened, c.Completed, c.InProgress, c.NotResponded, c.FailedExam}
}

// SurveyUser is one target user's survey record.
type SurveyUser struct {
	TargetUserID                                   string
	Email, FirstName, LastName, Department, Status string
	LastInteraction                                keepnetdate.Time
	// Interactions is the user's event timeline as JSON, kept whole.
	Interactions json.RawMessage
	// Answers replace the user's stored answers, unless Error is set:
	// then the answers stored before are kept.
	Answers []Answer
	// Error says what of the record could not be fetched.
	Error string
}

// Answer is one question a survey user answered.
type Answer struct {
	QuestionID     string
	QuestionIndex  *int
	Question       string
	Answer         string
	AnswerCode     string
	LatencySeconds *float64
	Options        []string
}

// TrainingUser is one target user's training record.
type TrainingUser struct {
	TargetUserID                                   string
	Email, FirstName, LastName, Department, Status string
	// Progress and CurrentStep are as the service sent them.
	Progress, CurrentStep string
	ExamScore             *float64
	ExamStatus            string
	FirstCompletion       keepnetdate.Time
	LastInteraction       keepnetdate.Time
	Error                 string
}

var (
	enrollmentsTable = newTable("enrollments", []string{"company_id", "id"}, []string{"first_sync"},
		"company_id", "id", "kind", "name", "type", "status", "finished", "marked_as_test",
		"start_text", "start_at", "due_text", "due_at", "created_text", "created_at",
		"targeted", "delivered", "opened", "completed", "in_progress", "not_responded", "failed_exam",
		"summary_json", "details_json", "fingerprint", "first_sync", "listed_in_sync", "gone_in_sync").
		stickyWhenNull(map[string]string{"details_json": "details_json", "due_text": "details_json", "due_at": "details_json"})
	enrollmentSummaries = newTable("enrollment_summaries", []string{"company_id", "enrollment_id", "sync_id"}, nil,
		"company_id", "enrollment_id", "sync_id", "recorded_at", "status",
		"targeted", "delivered", "opened", "completed", "in_progress", "not_responded", "failed_exam", "fingerprint")
	surveyUsers = newTable("survey_users", []string{"company_id", "enrollment_id", "target_user_id"}, []string{"first_sync"},
		"company_id", "enrollment_id", "target_user_id", "email", "first_name", "last_name", "department", "status",
		"last_interaction_text", "last_interaction_at", "interactions_json", "error", "first_sync", "fetched_in_sync", "gone_in_sync")
	surveyAnswers = newTable("survey_answers", []string{"company_id", "enrollment_id", "target_user_id", "question_id"}, nil,
		"company_id", "enrollment_id", "target_user_id", "question_id", "question_index", "question", "answer", "answer_code",
		"latency_seconds", "options_json", "fetched_in_sync")
	trainingUsers = newTable("training_users", []string{"company_id", "enrollment_id", "target_user_id"}, []string{"first_sync"},
		"company_id", "enrollment_id", "target_user_id", "email", "first_name", "last_name", "department", "status",
		"progress", "current_step", "exam_score", "exam_status", "first_completion_text", "first_completion_at",
		"last_interaction_text", "last_interaction_at", "error", "first_sync", "fetched_in_sync", "gone_in_sync")
)

// enrollmentSource describes e to the writers.
func enrollmentSource(e Enrollment, kind Kind, dates *dater) (source, error) {
	if e.Kind == "" {
		e.Kind = kind
	}
	switch {
	case e.Company.ID == "" || e.ID == "":
		return source{}, errors.New("store: an enrollment needs its company's ID and its own")
	case kind != "" && e.Kind != kind:
		return source{}, fmt.Errorf("store: enrollment %s is %s, not %s", e.ID, e.Kind, kind)
	case e.Kind != KindSurvey && e.Kind != KindTraining:
		return source{}, fmt.Errorf("store: enrollment %s is of unknown kind %q", e.ID, e.Kind)
	}
	users := surveyUsers.name
	if e.Kind == KindTraining {
		users = trainingUsers.name
	}
	fp, counted := fingerprint(e.Status, e.Counts.list()...)
	src := source{
		company: e.Company, what: fmt.Sprintf("enrollment %s", e.ID),
		table: enrollmentsTable.name, users: users,
		keyCols: []string{"company_id", "id"}, userCols: []string{"company_id", "enrollment_id"},
		key: []any{clean(e.Company.ID), clean(e.ID)}, fingerprint: fp, counted: counted, finished: e.Finished,
		dates: [2]keepnetdate.Time{e.StartDate, e.CreateTime},
	}
	src.upsert = func(ctx context.Context, q querier, y *Sync) error {
		if err := upsertCompany(ctx, q, y, e.Company); err != nil {
			return err
		}
		st, sa := dates.cols(e.StartDate)
		dt, da := dates.cols(e.DueDate)
		ct, ca := dates.cols(e.CreateTime)
		c := e.Counts
		_, err := q.ExecContext(ctx, enrollmentsTable.one,
			clean(e.Company.ID), clean(e.ID), string(e.Kind), clean(e.Name), clean(e.Type), clean(e.Status), e.Finished, nullBool(e.MarkedAsTest),
			st, sa, dt, da, ct, ca,
			nullInt(c.Targeted), nullInt(c.Delivered), nullInt(c.Opened), nullInt(c.Completed), nullInt(c.InProgress), nullInt(c.NotResponded), nullInt(c.FailedExam),
			nullJSON(e.Summary), nullJSON(e.Details), fp, y.id, y.id, nil)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, enrollmentSummaries.one,
			clean(e.Company.ID), clean(e.ID), y.id, stamp(y.st.now()), clean(e.Status),
			nullInt(c.Targeted), nullInt(c.Delivered), nullInt(c.Opened), nullInt(c.Completed), nullInt(c.InProgress), nullInt(c.NotResponded), nullInt(c.FailedExam), fp)
		return err
	}
	return src, nil
}

// Survey starts writing a survey enrollment's users (see Writer).
func (y *Sync) Survey(ctx context.Context, e Enrollment) (*Writer[SurveyUser], error) {
	dates := newDater(e.DateOrder)
	src, err := enrollmentSource(e, KindSurvey, dates)
	if err != nil {
		return nil, err
	}
	w, err := begin(ctx, y, src, dates, addSurveyUser, surveyUsers, surveyAnswers)
	if err != nil {
		return nil, err
	}
	w.flushed = replaceAnswers
	return w, nil
}

func addSurveyUser(ctx context.Context, w *Writer[SurveyUser], u SurveyUser) error {
	if u.TargetUserID == "" {
		return errors.New("a survey user without an ID cannot be stored")
	}
	users, answers := w.batches[0], w.batches[1]
	co, id, uid, sync := w.src.key[0], w.src.key[1], clean(u.TargetUserID), w.y.id
	if err := w.room(ctx, 0, uid); err != nil {
		return err
	}
	if answers.len()+len(u.Answers) > answers.rows {
		if err := w.flush(ctx); err != nil {
			return err
		}
	}
	lt, la := w.dates.cols(u.LastInteraction)
	users.add(uid, co, id, uid, nullText(u.Email), nullText(u.FirstName), nullText(u.LastName), nullText(u.Department),
		nullText(u.Status), lt, la, nullJSON(u.Interactions), nullText(u.Error), sync, sync, nil)
	if u.Error != "" {
		w.failed++
		return nil
	}
	w.replace = append(w.replace, uid)
	for _, a := range u.Answers {
		if a.QuestionID == "" {
			return fmt.Errorf("user %s has an answer without a question ID", u.TargetUserID)
		}
		key := uid + "\x00" + a.QuestionID
		if answers.full(key) {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
		var index, options any
		if a.QuestionIndex != nil {
			index = int64(*a.QuestionIndex)
		}
		if a.Options != nil {
			b, err := json.Marshal(a.Options)
			if err != nil {
				return err
			}
			options = clean(string(b))
		}
		answers.add(key, co, id, uid, clean(a.QuestionID), index, nullText(a.Question), nullText(a.Answer), nullText(a.AnswerCode),
			nullFloat(a.LatencySeconds), options, sync)
	}
	return nil
}

// replaceAnswers clears the stored answers of the users just written
// whose records are whole, before their new answers are written.
func replaceAnswers(ctx context.Context, w *Writer[SurveyUser]) error {
	if len(w.replace) == 0 {
		return nil
	}
	args := append([]any{w.src.key[0], w.src.key[1]}, w.replace...)
	in := make([]byte, 0, len(w.replace)*6)
	for i := range w.replace {
		if i > 0 {
			in = append(in, ',')
		}
		in = fmt.Appendf(in, "$%d", i+3)
	}
	_, err := w.t.q.ExecContext(ctx, "DELETE FROM survey_answers WHERE company_id = $1 AND enrollment_id = $2 AND target_user_id IN ("+string(in)+")", args...)
	w.replace = w.replace[:0]
	return err
}

// Training starts writing a training enrollment's users (see Writer).
func (y *Sync) Training(ctx context.Context, e Enrollment) (*Writer[TrainingUser], error) {
	dates := newDater(e.DateOrder)
	src, err := enrollmentSource(e, KindTraining, dates)
	if err != nil {
		return nil, err
	}
	return begin(ctx, y, src, dates, addTrainingUser, trainingUsers)
}

func addTrainingUser(ctx context.Context, w *Writer[TrainingUser], u TrainingUser) error {
	if u.TargetUserID == "" {
		return errors.New("a training user without an ID cannot be stored")
	}
	uid := clean(u.TargetUserID)
	if err := w.room(ctx, 0, uid); err != nil {
		return err
	}
	ft, fa := w.dates.cols(u.FirstCompletion)
	lt, la := w.dates.cols(u.LastInteraction)
	w.batches[0].add(uid, w.src.key[0], w.src.key[1], uid, nullText(u.Email), nullText(u.FirstName), nullText(u.LastName),
		nullText(u.Department), nullText(u.Status), nullText(u.Progress), nullText(u.CurrentStep), nullFloat(u.ExamScore),
		nullText(u.ExamStatus), ft, fa, lt, la, nullText(u.Error), w.y.id, w.y.id, nil)
	if u.Error != "" {
		w.failed++
	}
	return nil
}

// EnrollmentChanged says whether a re-sync fetches e's users: always in
// a full sync, and else when e is new, was never written whole or its
// last fetch was incomplete, is not finished, or its summary's status
// and counts differ from those of its last complete write (or it gave no
// counts to compare).
func (y *Sync) EnrollmentChanged(ctx context.Context, e Enrollment) (Change, error) {
	if e.Kind == "" {
		e.Kind = KindTraining // the decision does not depend on it
	}
	src, err := enrollmentSource(e, "", newDater(e.DateOrder))
	if err != nil {
		return Change{}, err
	}
	return y.changed(ctx, src)
}

// EnrollmentUnchanged records e from its listing and summary without its
// users: its row is updated, its summary joins the history for this sync,
// and its users stay as last written.
func (y *Sync) EnrollmentUnchanged(ctx context.Context, e Enrollment) error {
	src, err := enrollmentSource(e, "", newDater(e.DateOrder))
	if err != nil {
		return err
	}
	return y.unchanged(ctx, src)
}
