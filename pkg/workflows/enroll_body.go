package workflows

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// createEnrollmentBody is the body of POST /api/enrollments. It is written
// here rather than taken from gen because the generated struct lacks
// certificateConfigSendType, which the service accepts (the spec's schema
// does not forbid extra properties), and because the dry run must print
// exactly the bytes that would be sent.
type createEnrollmentBody struct {
	TrainingID             string   `json:"trainingId"`
	Name                   string   `json:"name"`
	TargetGroupResourceIDs []string `json:"targetGroupResourceIds"`
	// EnrollmentScheduler is left out, never null, to send now: the
	// published spec does not allow null there.
	EnrollmentScheduler       *schedulerBody `json:"enrollmentScheduler,omitempty"`
	AwardCertificate          bool           `json:"awardCertificate"`
	CertificateConfigSendType string         `json:"certificateConfigSendType,omitempty"`
	MarkedAsTest              bool           `json:"markedAsTest"`
	SendTeamsNotification     bool           `json:"sendTeamsNotification"`
}

type schedulerBody struct {
	ScheduledDate       string `json:"scheduledDate"`
	ScheduledTimeZoneID string `json:"scheduledTimeZoneId"`
	// UseOwnTimeZone is sent as false: the schedule is in the zone given,
	// not in each user's own.
	UseOwnTimeZone bool   `json:"useOwnTimeZone"`
	DueDate        string `json:"dueDate,omitempty"`
}

// createdEnrollmentID reads the new enrollment's ID from a create response.
// The service puts it in data.id; the how-to page says data.resourceId, so
// that is accepted too. Key casing is not relied on (encoding/json matches
// keys case-insensitively), and a body that cannot be read yields "" so the
// caller falls back to looking the enrollment up by name.
func createdEnrollmentID(body []byte) string {
	var env struct {
		Data *struct {
			ID         string `json:"id"`
			ResourceID string `json:"resourceId"`
		} `json:"data"`
	}
	// keepnet.Decode takes a numeric ID as its text and leaves an ID of any
	// other type empty (reported, and not wanted here).
	if _, err := keepnet.Decode(body, &env); err != nil || env.Data == nil {
		return ""
	}
	for _, id := range []string{env.Data.ID, env.Data.ResourceID} {
		if id = strings.TrimSpace(id); id != "" {
			return id
		}
	}
	return ""
}

// formEnum is one value of an enum in enrollments/form-details'
// data.enumNameValuePairs.
type formEnum struct {
	ID          int32
	Name        string
	DisplayName string
}

// certificateSendTypeEnum is the enum form-details lists certificate send
// types under, named after the vendor's CertificateConfigSendTypeEnum.
const certificateSendTypeEnum = "CertificateConfigSendTypeEnum"

// matchFormEnum finds value among an enum's values by name, display name or
// numeric ID and returns the name the service takes. Case, spaces and
// punctuation are ignored, so "send after completion" finds
// "SendAfterCompletion".
func matchFormEnum(field, value string, values []formEnum) (string, error) {
	v := strings.TrimSpace(value)
	key := enumKey(v)
	for _, e := range values {
		if (key != "" && (enumKey(e.Name) == key || enumKey(e.DisplayName) == key)) || strconv.Itoa(int(e.ID)) == v {
			return e.Name, nil
		}
	}
	names := make([]string, 0, len(values))
	for _, e := range values {
		names = append(names, fmt.Sprintf("%q", e.Name))
	}
	reason := "is not a value the service offers"
	if len(names) > 0 {
		reason += ": one of " + strings.Join(names, ", ")
	}
	return "", &InputError{Field: field, Value: v, Reason: reason}
}

// enumKey folds an enum name for comparison: letters and digits only,
// lower case.
func enumKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}
