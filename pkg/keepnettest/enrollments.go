package keepnettest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

type enrollmentRow struct {
	EnrollmentID                     string   `json:"enrollmentId"`
	Name                             string   `json:"name"`
	EnrolledBy                       string   `json:"enrolledBy"`
	StartDate                        string   `json:"startDate"`
	TrainingName                     string   `json:"trainingName"`
	Delivery                         string   `json:"delivery"`
	DeliveryType                     string   `json:"deliveryType"`
	CreateTime                       string   `json:"createTime"`
	IsReminderActive                 bool     `json:"isReminderActive"`
	IsAutoEnrollmentActive           bool     `json:"isAutoEnrollmentActive"`
	Status                           string   `json:"status"`
	RecipientType                    string   `json:"recipientType"`
	Category                         string   `json:"category"`
	TargetAudience                   string   `json:"targetAudience"`
	Type                             string   `json:"type"`
	HasQuiz                          bool     `json:"hasQuiz"`
	SendTemplatesInPreferredLanguage bool     `json:"sendTemplatesInPreferredLanguage"`
	Tags                             []string `json:"tags"`
	Languages                        []string `json:"languages"`
	TrainingRoles                    []any    `json:"trainingRoles"`
	Duration                         string   `json:"duration,omitempty"`
}

// handleEnrollmentsSearch lists enrollments. The enrollment how-to insists
// on both company headers: with only one the service answers 404. Without
// any, a reseller sees every customer's enrollments mixed together.
func (s *Server) handleEnrollmentsSearch(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.scope(w, r, true)
	if !ok {
		return
	}
	q, ok := readSearch(w, r)
	if !ok {
		return
	}
	var enrollmentType string
	if v, ok := q.fields["enrollmenttype"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &enrollmentType); err != nil {
			writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.",
				[]string{"The EnrollmentType field must be a string."})
			return
		}
	}
	s.mu.Lock()
	var rows []enrollmentRow
	now := s.now()
	for _, e := range s.world.enrollments {
		if !s.world.inScope(scope, e.CompanyID) || !q.matches(e.Name) || e.Status == StatusArchived {
			continue
		}
		if enrollmentType != "" && !strings.EqualFold(enrollmentType, e.Type) {
			continue
		}
		if e.hiddenSearches > 0 || now.Before(e.visibleAt) {
			e.hiddenSearches = max(e.hiddenSearches-1, 0)
			continue
		}
		rows = append(rows, s.enrollmentRow(e))
	}
	s.mu.Unlock()
	win := q.window(len(rows), s.cfg.pageSizeCap)
	writeData(w, http.StatusOK, win.data(pageOf(rows, win)))
}

// enrollmentRow renders e; s.mu must be held.
func (s *Server) enrollmentRow(e *Enrollment) enrollmentRow {
	row := enrollmentRow{
		EnrollmentID: e.ID, Name: e.Name, EnrolledBy: "MSSP Operator",
		StartDate: display(s.world.dateFormat(e.CompanyID), e.StartDate, false), TrainingName: e.TrainingName,
		Delivery: "Email", DeliveryType: "Email", CreateTime: dotNet(e.CreateTime),
		Status: e.Status, RecipientType: "Target Group", Category: "Security Awareness",
		TargetAudience: "All Employees", Type: e.Type, HasQuiz: e.Type == "SCORM",
		Tags: []string{}, Languages: []string{"English"}, TrainingRoles: []any{},
	}
	if e.Type == "SCORM" {
		row.Duration = "15 min"
	}
	return row
}

// pathEnrollment resolves the {id} enrollment of the request's path in the
// request's company scope, answering the request itself when it cannot.
func (s *Server) pathEnrollment(w http.ResponseWriter, r *http.Request) (*Enrollment, bool) {
	scope, ok := s.scope(w, r, false)
	if !ok {
		return nil, false
	}
	return s.findEnrollment(w, scope, r.PathValue("id"))
}

// findEnrollment returns the enrollment id visible under scope, or writes 404.
// s.mu must not be held.
func (s *Server) findEnrollment(w http.ResponseWriter, scope, id string) (*Enrollment, bool) {
	s.mu.Lock()
	e := s.world.enrollment(id)
	visible := e != nil && s.world.inScope(scope, e.CompanyID)
	s.mu.Unlock()
	if !visible {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "Enrollment not found.", nil)
		return nil, false
	}
	return e, true
}

// handleEnrollmentGet returns one enrollment's settings.
func (s *Server) handleEnrollmentGet(w http.ResponseWriter, r *http.Request) {
	e, ok := s.pathEnrollment(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	data := map[string]any{
		"trainingId":                     e.TrainingID,
		"name":                           e.Name,
		"targetGroupResourceIds":         slices.Clone(e.GroupIDs),
		"languageIds":                    []string{"en"},
		"awardCertificate":               e.AwardCert,
		"certificateConfigSendType":      "DoNotSend",
		"markedAsTest":                   e.MarkedAsTest,
		"trainingTypeId":                 e.Type,
		"smsTexts":                       []any{},
		"phishingCampaignConditionTypes": []string{},
	}
	if !e.ScheduledDate.IsZero() {
		sched := map[string]any{
			"scheduledDate":  dotNet(e.ScheduledDate),
			"useOwnTimeZone": e.UseOwnTimeZone,
		}
		if e.TimeZoneID != "" {
			sched["scheduledTimeZoneId"] = e.TimeZoneID
		}
		if !e.DueDate.IsZero() {
			sched["dueDate"] = dotNet(e.DueDate)
		}
		data["enrollmentScheduler"] = sched
	}
	s.mu.Unlock()
	writeData(w, http.StatusOK, data)
}

// createRequest is the part of the create body the fake checks.
type createRequest struct {
	TrainingID             string   `json:"trainingId"`
	Name                   string   `json:"name"`
	TargetGroupResourceIDs []string `json:"targetGroupResourceIds"`
	EnrollmentScheduler    *struct {
		ScheduledDate       string `json:"scheduledDate"`
		ScheduledTimeZoneID string `json:"scheduledTimeZoneId"`
		UseOwnTimeZone      bool   `json:"useOwnTimeZone"`
		DueDate             string `json:"dueDate"`
	} `json:"enrollmentScheduler"`
	AwardCertificate bool `json:"awardCertificate"`
	MarkedAsTest     bool `json:"markedAsTest"`
}

// handleEnrollmentCreate creates an enrollment in the scoped company (the
// reseller's own without a header, where no customer's groups are found).
// It stays Scheduled until sent. The ID is returned as data.id.
func (s *Server) handleEnrollmentCreate(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.scope(w, r, false)
	if !ok {
		return
	}
	if scope == "" {
		scope = ResellerCompanyID
	}
	fields, ok := readJSONBody(w, r)
	if !ok {
		return
	}
	var req createRequest
	// Keys were lower-cased; re-encode so encoding/json's case-insensitive
	// matching applies to them.
	b, _ := json.Marshal(fields)
	if err := json.Unmarshal(b, &req); err != nil {
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.",
			[]string{"The request body could not be read: " + err.Error()})
		return
	}

	s.mu.Lock()
	e, problems := s.validateCreate(scope, req)
	if len(problems) > 0 {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.", problems)
		return
	}
	s.world.nextID++
	e.ID = fmt.Sprintf("e7New%07d", s.world.nextID)
	e.hiddenSearches = s.cfg.listingLag
	if s.cfg.listingDelay > 0 {
		e.visibleAt = e.CreateTime.Add(s.cfg.listingDelay)
	}
	s.world.addEnrollment(e)
	row := map[string]any{
		"id": e.ID, "trainingName": e.TrainingName, "category": "Security Awareness",
		"targetAudience": "All Employees", "languages": []string{"English"}, "type": e.Type,
		"enrolledBy": "MSSP Operator", "delivery": "Email", "totalTargetUserCount": e.Users,
		"tags": []string{}, "status": e.Status, "startDate": dotNet(e.StartDate),
		"awardCertificate": e.AwardCert, "markedAsTest": e.MarkedAsTest, "autoEnroll": false,
		"hasReminder": false, "sendTemplatesInPreferredLanguage": false,
	}
	s.mu.Unlock()

	if s.takeCommitFailure(RouteEnrollmentCreate) {
		writeHTML(w, http.StatusBadGateway)
		return
	}
	writeData(w, http.StatusCreated, row)
}

// validateCreate checks req as the service does and builds the enrollment;
// s.mu must be held.
func (s *Server) validateCreate(scope string, req createRequest) (*Enrollment, []string) {
	var problems []string
	now := s.now()
	e := &Enrollment{
		CompanyID: scope, Name: req.Name, Status: StatusScheduled, TrainingID: req.TrainingID,
		AwardCert: req.AwardCertificate, MarkedAsTest: req.MarkedAsTest, Created: true,
		StartDate: now, CreateTime: now,
	}
	if strings.TrimSpace(req.Name) == "" {
		problems = append(problems, "Name is required.")
	}
	if t := s.world.training(req.TrainingID); t == nil {
		problems = append(problems, fmt.Sprintf("Training %q was not found.", req.TrainingID))
	} else {
		e.TrainingName, e.Type = t.Name, t.Type
	}
	if len(req.TargetGroupResourceIDs) == 0 {
		problems = append(problems, "At least one target group is required.")
	}
	for _, id := range req.TargetGroupResourceIDs {
		g := s.world.group(id)
		if g == nil || g.CompanyID != scope {
			problems = append(problems, fmt.Sprintf("Target group %q was not found.", id))
			continue
		}
		e.GroupIDs = append(e.GroupIDs, id)
		e.Users += g.UserCount
	}
	if sch := req.EnrollmentScheduler; sch != nil {
		e.UseOwnTimeZone = sch.UseOwnTimeZone
		e.TimeZoneID = sch.ScheduledTimeZoneID
		if !sch.UseOwnTimeZone && !knownTimeZone(sch.ScheduledTimeZoneID) {
			problems = append(problems, fmt.Sprintf("Time zone %q is not valid.", sch.ScheduledTimeZoneID))
		}
		scheduled, err := time.Parse(time.RFC3339, sch.ScheduledDate)
		if err != nil {
			problems = append(problems, fmt.Sprintf("Scheduled date %q is not valid.", sch.ScheduledDate))
		}
		e.ScheduledDate, e.StartDate = scheduled, scheduled
		if sch.DueDate != "" {
			due, err := time.Parse(time.RFC3339, sch.DueDate)
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("Due date %q is not valid.", sch.DueDate))
			case !scheduled.IsZero() && !due.After(scheduled):
				problems = append(problems, "Due date must be after the scheduled date.")
			}
			e.DueDate = due
		}
	}
	return e, problems
}

// handleEnrollmentSend sends a Scheduled enrollment; it becomes Sending.
// Sending one that is not Scheduled (sent before, or finished) is 400, with
// the capitalised "Message" key some service errors carry.
func (s *Server) handleEnrollmentSend(w http.ResponseWriter, r *http.Request) {
	e, ok := s.pathEnrollment(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	if e.Status != StatusScheduled {
		status := e.Status
		s.mu.Unlock()
		writeCapitalError(w, http.StatusBadRequest, "INPUT_ERROR",
			fmt.Sprintf("Enrollment cannot be sent: its status is %s.", status))
		return
	}
	e.Status = StatusSending
	e.SendCount++
	if e.ScheduledDate.IsZero() {
		e.StartDate = s.now()
	}
	s.mu.Unlock()

	if s.takeCommitFailure(RouteEnrollmentSend) {
		writeHTML(w, http.StatusBadGateway)
		return
	}
	writeData(w, http.StatusOK, map[string]string{"resourceId": e.ID})
}

// handleEnrollmentArchive archives an enrollment, as the service's DELETE
// does: its status becomes Archived and enrollments/search stops listing it.
// Archiving one already archived changes nothing.
func (s *Server) handleEnrollmentArchive(w http.ResponseWriter, r *http.Request) {
	e, ok := s.pathEnrollment(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	e.Status = StatusArchived
	s.mu.Unlock()
	writeData(w, http.StatusOK, map[string]string{"id": e.ID})
}

// takeCommitFailure reports whether this call of route must fail after its
// work is done, counting down WithCommitThenFail's budget.
func (s *Server) takeCommitFailure(route string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.commitFail[route]
	switch {
	case !ok || n == 0:
		return false
	case n > 0:
		s.commitFail[route] = n - 1
	}
	return true
}
