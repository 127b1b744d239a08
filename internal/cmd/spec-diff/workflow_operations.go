package main

import (
	"strings"
)

// workflowOperations are the operations pkg/workflows calls. This list must
// follow pkg/workflows: add an operation here when a flow starts calling it,
// and drop it when no flow does any more. TestWorkflowCallsAreListed fails
// when a flow calls a generated method whose operation is missing here.
var workflowOperations = []operation{
	{"POST", "/api/companies/search"},
	{"POST", "/api/enrollments/search"},
	{"GET", "/api/enrollments/{resourceId}"},
	{"GET", "/api/enrollments/form-details"},
	{"POST", "/api/enrollments"},
	{"POST", "/api/enrollments/{resourceId}/send"},
	{"DELETE", "/api/enrollments/{resourceId}"},
	{"GET", "/api/training-reports/{enrollmentId}/summary"},
	{"POST", "/api/training-reports/{enrollmentId}/users/search"},
	{"GET", "/api/training-reports/{enrollmentId}/interactions/{targetUserResourceId}"},
	{"GET", "/api/training-reports/{enrollmentId}/exam-result-sessions/{targetUserResourceId}"},
	{"POST", "/api/trainings/search"},
	{"POST", "/api/target-groups/search/current-company"},
	{"GET", "/api/timezone/timezones"},
	{"GET", "/api/companies/{resourceId}"},
	// Simulation results, every channel (pkg/workflows/phishing_channels.go).
	{"GET", "/api/phishing-simulator/phishing-campaign-job-report/summary/{resourceId}/{instanceGroup}"},
	{"GET", "/api/phishing-simulator/phishing-campaign/{resourceId}"},
	{"GET", "/api/quishing-simulator/quishing-campaign-job-report/summary/{resourceId}/{instanceGroup}"},
	{"GET", "/api/quishing-simulator/quishing-campaign/{resourceId}"},
	{"GET", "/api/smishing-simulator/smishing-campaign-job-report/summary/{resourceId}/{instanceGroup}"},
	{"GET", "/api/smishing-simulator/smishing-campaign/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-clicked/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-opened-attachment/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-opened/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-replied/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-reported/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-submitted/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/search-mfa-submitted/{resourceId}"},
	{"POST", "/api/phishing-simulator/phishing-campaign-job-report/{searchType}/search/{resourceId}/{instanceGroup}"},
	{"POST", "/api/phishing-simulator/phishing-campaign/search"},
	{"POST", "/api/quishing-simulator/quishing-campaign-job-report/search"},
	{"POST", "/api/quishing-simulator/quishing-campaign-job-report/search-email-clicked/{resourceId}"},
	{"POST", "/api/quishing-simulator/quishing-campaign-job-report/search-email-opened/{resourceId}"},
	{"POST", "/api/quishing-simulator/quishing-campaign-job-report/search-email-reported/{resourceId}"},
	{"POST", "/api/quishing-simulator/quishing-campaign-job-report/search-email-submitted/{resourceId}"},
	{"POST", "/api/quishing-simulator/quishing-campaign-job-report/search-mfa-submitted/{resourceId}"},
	{"POST", "/api/quishing-simulator/quishing-campaign-job-report/{searchType}/search/{resourceId}/{instanceGroup}"},
	{"POST", "/api/quishing-simulator/quishing-campaign/search"},
	{"POST", "/api/smishing-simulator/smishing-campaign-job-report/search"},
	{"POST", "/api/smishing-simulator/smishing-campaign-job-report/search-mfa-submitted/{resourceId}"},
	{"POST", "/api/smishing-simulator/smishing-campaign-job-report/search-sms-clicked/{resourceId}"},
	{"POST", "/api/smishing-simulator/smishing-campaign-job-report/search-sms-submitted/{resourceId}"},
	{"POST", "/api/smishing-simulator/smishing-campaign-job-report/{searchType}/search/{resourceId}/{instanceGroup}"},
	{"POST", "/api/smishing-simulator/smishing-campaign/search"},
}

// operation is an HTTP method (upper case, as oasdiff reports it) and a spec
// path template.
type operation struct {
	Method string
	Path   string
}

// key identifies an operation regardless of what its path parameters are
// called: renaming {resourceId} to {id} does not make it another operation
// for the client, which passes parameters by position.
func (o operation) key() string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(o.Method))
	b.WriteByte(' ')
	inParam := false
	for _, r := range o.Path {
		switch {
		case r == '{':
			inParam = true
			b.WriteString("{}")
		case r == '}':
			inParam = false
		case !inParam:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// operationSet answers whether an operation is one the workflows use.
type operationSet map[string]bool

func newOperationSet(ops []operation) operationSet {
	s := make(operationSet, len(ops))
	for _, o := range ops {
		s[o.key()] = true
	}
	return s
}

func (s operationSet) contains(o operation) bool { return s[o.key()] }
