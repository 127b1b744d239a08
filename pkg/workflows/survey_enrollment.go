package workflows

import (
	"context"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// surveyEnrollmentType is the enrollmentType filter value for surveys.
const surveyEnrollmentType = "Survey"

// ResolveSurveyEnrollment finds the survey enrollment nameOrID refers to in
// the scoped company, with the same rules as ResolveCompany. A name or ID
// that only matches an enrollment of another type (a SCORM training, say)
// is an *InputError saying it is not a survey, not that it is unknown.
func ResolveSurveyEnrollment(ctx context.Context, scope *keepnet.Company, nameOrID string) (SurveyEnrollment, error) {
	surveys, err := ListEnrollments(ctx, scope, EnrollmentQuery{Type: surveyEnrollmentType})
	if err != nil {
		return SurveyEnrollment{}, fmt.Errorf("find survey enrollment: %w", err)
	}
	found, matchErr := matchByNameOrID("enrollment", nameOrID, surveys, enrollmentInfoNamed)
	if matchErr == nil {
		return surveyEnrollmentOf(found), nil
	}
	var ie *InputError
	if !errors.As(matchErr, &ie) || ie.Value == "" {
		return SurveyEnrollment{}, matchErr
	}
	// The survey filter hides everything else, so a miss may be a training
	// or poster enrollment mistaken for a survey: say so rather than
	// "unknown".
	all, err := ListEnrollments(ctx, scope, EnrollmentQuery{})
	if err != nil {
		return SurveyEnrollment{}, fmt.Errorf("find survey enrollment: %w", err)
	}
	other, err := matchByNameOrID("enrollment", nameOrID, all, enrollmentInfoNamed)
	if err != nil || listsEnrollment(surveys, other.ID) {
		return SurveyEnrollment{}, matchErr
	}
	kind := other.Type
	if kind == "" {
		kind = "non-survey"
	}
	return SurveyEnrollment{}, &InputError{
		Field:     "enrollment",
		Value:     nameOrID,
		Reason:    fmt.Sprintf("is %q (%s), a %s enrollment, not a survey", other.Name, other.ID, kind),
		notSurvey: true,
	}
}

func enrollmentInfoNamed(e EnrollmentInfo) Named { return Named{ID: e.ID, Name: e.Name} }

func listsEnrollment(list []EnrollmentInfo, id string) bool {
	for _, e := range list {
		if e.ID == id {
			return true
		}
	}
	return false
}

func surveyEnrollmentOf(e EnrollmentInfo) SurveyEnrollment {
	return SurveyEnrollment{
		ID:        e.ID,
		Name:      e.Name,
		Status:    e.Status,
		Type:      e.Type,
		StartDate: keepnetdate.FromString(e.StartDate),
	}
}
