package resultsout

import (
	"strconv"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Training writes workflows.TrainingRecord. It has no csv-wide: a
// training record has no list of its own to spread into columns (no
// answers, no events), so its csv row per user is already the wide form.
var Training = &Kind[workflows.TrainingRecord]{
	Company: func(r *workflows.TrainingRecord) string { return r.CompanyID },
	Dates: func(r *workflows.TrainingRecord) []keepnetdate.Time {
		return []keepnetdate.Time{r.StartDate, r.DueDate, r.FirstCompletionDate, r.LastInteractionDate}
	},
	JSON: func(r *workflows.TrainingRecord, iso ISO) any {
		return trainingJSON{TrainingRecord: r, StartDateISO: iso(r.StartDate), DueDateISO: iso(r.DueDate),
			FirstCompletionDateISO: iso(r.FirstCompletionDate), LastInteractionDateISO: iso(r.LastInteractionDate)}
	},
	Columns: []string{
		"companyId", "companyName", "enrollmentId", "enrollmentName", "enrollmentType", "startDate", "dueDate",
		"targetUserResourceId", "email", "firstName", "lastName", "department", "status", "currentStep",
		"examScore", "examStatusName", "firstCompletionDate", "lastInteractionDate", "error",
		"startDateIso", "dueDateIso", "firstCompletionDateIso", "lastInteractionDateIso",
	},
	Row: func(r *workflows.TrainingRecord, iso ISO) []string {
		return []string{
			r.CompanyID, r.CompanyName, r.EnrollmentID, r.EnrollmentName, r.EnrollmentType, r.StartDate.String(), r.DueDate.String(),
			r.TargetUserResourceID, r.Email, r.FirstName, r.LastName, r.Department, r.Status, r.CurrentStep,
			score(r.ExamScore), r.ExamStatusName, r.FirstCompletionDate.String(), r.LastInteractionDate.String(), r.Error,
			iso(r.StartDate), iso(r.DueDate), iso(r.FirstCompletionDate), iso(r.LastInteractionDate),
		}
	},
	XLSX: &Sheet{Name: "Training results", Numbers: []string{"examScore"}},
}

// trainingJSON is a training record with its dates' ISO 8601 companions.
type trainingJSON struct {
	*workflows.TrainingRecord
	StartDateISO           string `json:"startDateIso,omitempty"`
	DueDateISO             string `json:"dueDateIso,omitempty"`
	FirstCompletionDateISO string `json:"firstCompletionDateIso,omitempty"`
	LastInteractionDateISO string `json:"lastInteractionDateIso,omitempty"`
}

// score writes an exam score as the shortest exact decimal, empty when
// there is none.
func score(s *float64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatFloat(*s, 'f', -1, 64)
}
