package keepnettest

import (
	"iter"
	"math"
	"strconv"
	"time"
)

// RouteTrainingActivityUsers is the window search over a company's
// training activity; its rows carry no user or enrollment ID.
const RouteTrainingActivityUsers = "POST /api/training-reports/activity-users/search"

// Exam statuses of training users (the fake's choice for SCORM and
// LearningPath enrollments; the service's values are not documented).
const (
	ExamPassed       = "Passed"
	ExamFailed       = "Failed"
	ExamNotCompleted = "Not Completed"
)

// TrainingSteps is the number of steps of every training enrollment the
// fake serves; a completed user's CurrentStep is its last.
const TrainingSteps = 4

// hasQuiz reports whether enrollments of this type end in an exam.
func hasQuiz(enrollmentType string) bool {
	return enrollmentType == "SCORM" || enrollmentType == "LearningPath"
}

// CustomField is one of a target user's custom field values.
type CustomField struct {
	ID, Name, DataType, Value string
}

// TrainingUser is a target user of a training enrollment (any type but
// Survey) with what the training users search adds to a survey's rows.
type TrainingUser struct {
	User
	// ExamStatus is ExamPassed, ExamFailed or ExamNotCompleted for users
	// who opened an enrollment with an exam, empty otherwise.
	ExamStatus string
	// ExamScore is set for users who took the exam (HasExamScore).
	ExamScore    float64
	HasExamScore bool
	// FirstCompletion is zero for users who have not completed.
	FirstCompletion time.Time
	// CurrentStep is "1" to TrainingSteps for users who started, empty
	// for the others. It is a string of digits, as the service's is, so
	// type drift turns it into a number.
	CurrentStep  string
	CustomFields []CustomField
}

// trainingUser adds training results to u, user of training enrollment e.
// A user who failed the exam has still completed the training (status
// Completed, examStatusName Failed): that is what failedExamCount counts.
func (w *world) trainingUser(e *Enrollment, u User) TrainingUser {
	h := mix(w.seed, "training", e.ID, strconv.Itoa(u.Index))
	t := TrainingUser{User: u}
	if (h>>20)%3 != 0 {
		t.CustomFields = []CustomField{{ID: "cf01", Name: "Employee Number", DataType: "Text",
			Value: "E" + strconv.Itoa(10000+u.Index)}}
	}
	quiz := hasQuiz(e.Type)
	switch u.Status {
	case UserOpenedEmail:
		if quiz {
			t.ExamStatus = ExamNotCompleted
		}
	case UserInProgress:
		t.CurrentStep = strconv.Itoa(1 + int(h%(TrainingSteps-1)))
		if quiz {
			t.ExamStatus = ExamNotCompleted
		}
	case UserCompleted:
		t.CurrentStep = strconv.Itoa(TrainingSteps)
		// Completed once, then came back: the first completion is before
		// the last interaction.
		t.FirstCompletion = u.LastInteraction.Add(-time.Duration((h>>8)%3*24) * time.Hour)
		if t.FirstCompletion.Before(e.StartDate.Add(time.Hour)) {
			t.FirstCompletion = u.LastInteraction
		}
		if !quiz {
			break
		}
		t.HasExamScore = true
		fail := u.Index == 3 || u.Index > 3 && (h>>12)%100 < 15
		score := 70 + float64((h>>24)%31)
		t.ExamStatus = ExamPassed
		if fail {
			score = 20 + float64((h>>24)%46)
			t.ExamStatus = ExamFailed
		}
		if (h>>32)%3 == 0 && score < 100 {
			score = math.Round((score+2.0/3)*100) / 100 // e.g. 66.67: two of three questions right
		}
		t.ExamScore = score
	}
	return t
}

// trainingExtra is what training users search rows have beyond a
// survey's.
type trainingExtra struct {
	ExamScore          *float64 `json:"examScore,omitempty"`
	CurrentStep        string   `json:"currentStep,omitempty"`
	LastInteractedStep string   `json:"lastInteractedStep,omitempty"`
}

// addTrainingFields completes a users search row of a training
// enrollment; survey rows stay as they are.
func (s *Server) addTrainingFields(row *userRow, e *Enrollment, u User) {
	if e.Type == "Survey" {
		return
	}
	t := s.world.trainingUser(e, u)
	extra := &trainingExtra{CurrentStep: t.CurrentStep, LastInteractedStep: t.CurrentStep}
	if t.HasExamScore {
		extra.ExamScore = &t.ExamScore
	}
	row.trainingExtra = extra
	row.ExamStatusName = t.ExamStatus
	row.FirstCompletionDate = ""
	if !t.FirstCompletion.IsZero() {
		row.FirstCompletionDate = display(s.world.dateFormat(e.CompanyID), t.FirstCompletion, true)
	}
	fields := make([]any, 0, len(t.CustomFields))
	for _, f := range t.CustomFields {
		fields = append(fields, map[string]any{"resourceId": f.ID, "name": f.Name, "dataType": f.DataType, "value": f.Value})
	}
	row.CustomFieldValues = fields
}

// addExamCounts sets the summary's exam counts of a training enrollment
// from its users: failedExamCount counts failed exams, and
// didNotCompleteExamCount users who opened the training but have no exam
// result.
func (s *Server) addExamCounts(report map[string]int, e *Enrollment) {
	if !hasQuiz(e.Type) {
		return
	}
	failed, notCompleted := 0, 0
	for i := range e.Users {
		switch s.world.trainingUser(e, s.world.user(e, i)).ExamStatus {
		case ExamFailed:
			failed++
		case ExamNotCompleted:
			notCompleted++
		}
	}
	report["failedExamCount"] = failed
	report["didNotCompleteExamCount"] = notCompleted
}

// TrainingEnrollments returns companyID's enrollments of every type but
// Survey ("" for every company's), in creation order.
func (s *Server) TrainingEnrollments(companyID string) []Enrollment {
	return s.enrollmentsWhere(func(e *Enrollment) bool {
		return e.Type != "Survey" && (companyID == "" || e.CompanyID == companyID)
	})
}

// TrainingUsers yields the target users of a training enrollment with their
// results, in index order, generating each on demand: what a correct
// training results pull reports.
func (s *Server) TrainingUsers(enrollmentID string) iter.Seq[TrainingUser] {
	return func(yield func(TrainingUser) bool) {
		e, ok := s.Enrollment(enrollmentID)
		if !ok {
			return
		}
		for i := range e.Users {
			if !yield(s.world.trainingUser(&e, s.world.user(&e, i))) {
				return
			}
		}
	}
}
