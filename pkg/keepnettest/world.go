package keepnettest

import (
	"time"
)

// Company is a company as the fake knows it. Managed companies are the
// reseller's customers: they appear in companies/search and may be named in
// the company headers. An unmanaged company exists but answers 403.
type Company struct {
	ID      string
	Name    string
	Managed bool
	// Industry is left out of the JSON when empty, as the service omits nulls.
	Industry string
	// DateFormat is the company's display format for dates, in .NET's
	// notation as the company settings send it: "dd/MM/yyyy" (the
	// default) or "MM/dd/yyyy". Report dates of the company's enrollments
	// are written in it.
	DateFormat string

	removed bool // by a ListingChange: no longer listed
}

// Date formats a company can display dates in.
const (
	DateFormatDayFirst   = "dd/MM/yyyy"
	DateFormatMonthFirst = "MM/dd/yyyy"
)

// Training is an entry of the training library, visible to every company.
type Training struct {
	ID   string
	Name string
	// Type is "SCORM" or "Survey", as enrollments/search reports it.
	Type string

	removed bool // by a ListingChange: no longer listed
}

// Group is a target group of one company.
type Group struct {
	ID        string
	CompanyID string
	Name      string
	UserCount int

	removed bool // by a ListingChange: no longer listed
}

// Enrollment statuses as enrollments/search reports them.
const (
	StatusScheduled = "Scheduled"
	StatusSending   = "Sending"
	StatusFinished  = "Finished"
	// StatusArchived is what DELETE /api/enrollments/{id} leaves; archived
	// enrollments are no longer listed by enrollments/search.
	StatusArchived = "Archived"
)

// Enrollment is an enrollment, seeded or created through the API.
type Enrollment struct {
	ID        string
	CompanyID string
	Name      string
	// Type is "Survey" or "SCORM".
	Type         string
	Status       string
	TrainingID   string
	TrainingName string
	GroupIDs     []string
	// Users is how many target users the enrollment has; they are generated
	// on demand from the seed, so a large count costs no memory.
	Users int
	// StartDate is when the enrollment was (or will be) sent.
	StartDate time.Time
	// Scheduler fields, as given on create (zero when sent now).
	ScheduledDate  time.Time
	DueDate        time.Time
	TimeZoneID     string
	UseOwnTimeZone bool
	AwardCert      bool
	MarkedAsTest   bool
	// Created is true for enrollments created through POST /api/enrollments.
	Created bool
	// SendCount counts successful POST .../send calls.
	SendCount int
	// CreateTime is when the enrollment was created.
	CreateTime time.Time

	// hiddenSearches and visibleAt model a lagging listing (WithListingLag,
	// WithListingDelay): until both have passed, enrollments/search leaves
	// the enrollment out.
	hiddenSearches int
	visibleAt      time.Time
	// listing is the order users/search lists the users in once a
	// ListingChange has touched it; nil: index order.
	listing *userListing
	// completed are the users CompleteUsers completed, by index, with
	// when; replaced, never changed in place, so copies may share it.
	completed map[int]time.Time
}

// User statuses in training-reports users/search.
const (
	UserCompleted    = "Completed"
	UserInProgress   = "In Progress"
	UserOpenedEmail  = "Opened Email"
	UserNotResponded = "Not Responded"
)

// User is a target user of one enrollment. Empty Department or Phone are
// left out of the JSON, as the service omits null fields.
type User struct {
	ID         string
	Index      int
	FirstName  string
	LastName   string
	Email      string
	Department string
	Phone      string
	Status     string
	// LastInteraction is zero for users who never interacted.
	LastInteraction time.Time
}

// Answer is one answered question in an exam-result session.
type Answer struct {
	// Index is the question's position as this user saw it (1-based); it
	// differs between users who saw different question counts.
	Index int
	// ScormID identifies the question across users.
	ScormID  string
	Question string
	// Option is the chosen option's text; Response is the
	// studentOrLearnerResponse code, e.g. "4_Strongly_Agree".
	Option   string
	Response string
}

// Session is one exam-result session of a user.
type Session struct {
	ID        string
	CreatedAt time.Time
	Answers   []Answer
}

// Request is one request the fake received, in arrival order.
type Request struct {
	Method string
	Path   string
	// Route is the fake's route pattern, e.g. RouteEnrollmentSend; empty for
	// unknown paths.
	Route    string
	RawQuery string
	// CompanyID and IRCompanyID are the X-KEEPNET-Company-Id and
	// x-ir-company-id headers as sent.
	CompanyID   string
	IRCompanyID string
	ContentType string
	// Body is the request body (form bodies of token requests are not kept,
	// since they hold the client secret).
	Body   []byte
	Status int
	Time   time.Time
}

// Routes served by the fake, in http.ServeMux pattern syntax. They name
// endpoints in the request log and in fault options.
const (
	RouteToken              = "POST /connect/token"
	RouteCompaniesSearch    = "POST /api/companies/search"
	RouteEnrollmentsSearch  = "POST /api/enrollments/search"
	RouteEnrollmentGet      = "GET /api/enrollments/{id}"
	RouteEnrollmentForm     = "GET /api/enrollments/form-details"
	RouteEnrollmentCreate   = "POST /api/enrollments"
	RouteEnrollmentSend     = "POST /api/enrollments/{id}/send"
	RouteEnrollmentArchive  = "DELETE /api/enrollments/{id}"
	RouteReportSummary      = "GET /api/training-reports/{id}/summary"
	RouteReportUsersSearch  = "POST /api/training-reports/{id}/users/search"
	RouteReportInteractions = "GET /api/training-reports/{id}/interactions/{user}"
	RouteReportExamSessions = "GET /api/training-reports/{id}/exam-result-sessions/{user}"
	RouteTrainingsSearch    = "POST /api/trainings/search"
	RouteTargetGroupsSearch = "POST /api/target-groups/search/current-company"
	RouteTimeZones          = "GET /api/timezone/timezones"
	RouteCompanyGet         = "GET /api/companies/{id}"
)
