package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// surveyEnrollmentType is the enrollmentType filter value for surveys.
const surveyEnrollmentType = "Survey"

// resolveEnrollment finds the enrollment of type enrollmentType (kind names
// it in errors: "survey") that nameOrID refers to in the scoped company,
// with the same rules as companies. A name or ID that only matches an
// enrollment of another type (a SCORM training named as a survey, say) is
// an *InputError saying so, not that it is unknown.
func resolveEnrollment(ctx context.Context, scope *keepnet.ScopedClient, enrollmentType, kind, nameOrID string) (Enrollment, error) {
	wanted, err := ListEnrollments(ctx, scope, EnrollmentQuery{Type: enrollmentType})
	if err != nil {
		return Enrollment{}, fmt.Errorf("find %s enrollment: %w", kind, err)
	}
	return matchEnrollment(ctx, scope, wanted, kind, nameOrID)
}

// matchEnrollment is resolveEnrollment among wanted, the company's
// enrollments of the types asked for.
func matchEnrollment(ctx context.Context, scope *keepnet.ScopedClient, wanted []Enrollment, kind, nameOrID string) (Enrollment, error) {
	found, matchErr := matchByNameOrID("enrollment", nameOrID, wanted, enrollmentNamed)
	if matchErr == nil {
		return found, nil
	}
	var ie *InputError
	if !errors.As(matchErr, &ie) || ie.Value == "" {
		return Enrollment{}, matchErr
	}
	// The type filter hides everything else, so a miss may be an
	// enrollment of another type: say so rather than "unknown".
	all, err := ListEnrollments(ctx, scope, EnrollmentQuery{})
	if err != nil {
		return Enrollment{}, fmt.Errorf("find %s enrollment: %w", kind, err)
	}
	other, err := matchByNameOrID("enrollment", nameOrID, all, enrollmentNamed)
	if err != nil || listsEnrollment(wanted, other.ID) {
		return Enrollment{}, matchErr
	}
	otherKind := other.Type
	if otherKind == "" {
		otherKind = "non-" + kind
	}
	return Enrollment{}, &InputError{
		Field:     "enrollment",
		Value:     nameOrID,
		Reason:    fmt.Sprintf("is %q (%s), %s %s enrollment, not a %s", other.Name, other.ID, article(otherKind), otherKind, kind),
		otherKind: true,
	}
}

func enrollmentNamed(e Enrollment) named { return named{ID: e.ID, Name: e.Name} }

func listsEnrollment(list []Enrollment, id string) bool {
	for _, e := range list {
		if e.ID == id {
			return true
		}
	}
	return false
}

// noSuch reports whether err says a company has no such thing (an unknown
// name, or one of another kind): bad input for a company named, a company
// to skip in a run across all companies.
func noSuch(err error) bool {
	var ie *InputError
	return errors.As(err, &ie) && (ie.unknown || ie.otherKind)
}

// article is "a" or "an" before word, by its first letter.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
