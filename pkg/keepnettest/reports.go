package keepnettest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// handleSummary is GET training-reports/{id}/summary (trainingType=0 for
// SCORM and survey enrollments).
func (s *Server) handleSummary(w http.ResponseWriter, r *http.Request) {
	e, ok := s.pathEnrollment(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	ev := cloneEnrollment(e)
	companyName := ""
	if c := s.world.company(ev.CompanyID); c != nil {
		companyName = c.Name
	}
	var groupNames []string
	for _, id := range ev.GroupIDs {
		if g := s.world.group(id); g != nil {
			groupNames = append(groupNames, g.Name)
		}
	}
	s.mu.Unlock()

	counts := map[string]int{}
	for pos := range ev.listed() {
		counts[s.world.user(&ev, ev.userAt(pos)).Status]++
	}
	users := ev.listed()
	opened := users - counts[UserNotResponded]
	report := map[string]int{
		"totalUserOpenedCount": opened, "totalTargetUserCount": users, "onlyOpenedCount": counts[UserOpenedEmail],
		"totalNonTargetUserCount": 0, "emailDeliveredUserCount": users, "emailErrorUserCount": 0,
		"noResponseCount": counts[UserNotResponded], "didNotCompleteTrainingCount": users - counts[UserCompleted],
		"didNotCompleteExamCount": 0, "failedExamCount": 0,
	}
	s.addExamCounts(report, &ev)
	writeData(w, http.StatusOK, map[string]any{
		"trainingDetails": map[string]any{
			"id": ev.TrainingID, "name": ev.TrainingName, "companyName": companyName,
			"category": "Security Awareness", "trainingTypeName": ev.Type, "hasQuiz": ev.Type == "SCORM",
		},
		"reportDetail":                     report,
		"startDate":                        display(s.world.dateFormat(ev.CompanyID), ev.StartDate, false),
		"name":                             ev.Name,
		"completedCount":                   counts[UserCompleted],
		"inProgressCount":                  counts[UserInProgress],
		"groupCount":                       len(groupNames),
		"targetGroupNames":                 groupNames,
		"languages":                        []string{"English"},
		"isTest":                           ev.MarkedAsTest,
		"isScormProxy":                     false,
		"trainingTypeId":                   ev.Type,
		"trainingTypeName":                 ev.Type,
		"steps":                            []any{},
		"deliveryMethod":                   "Email",
		"sendTemplatesInPreferredLanguage": false,
	})
}

type userRow struct {
	TargetUserResourceID string `json:"targetUserResourceId"`
	ResourceID           string `json:"resourceId"`
	UserID               int    `json:"userId"`
	EnrollmentID         string `json:"enrollmentId"`
	FirstName            string `json:"firstName"`
	LastName             string `json:"lastName"`
	Email                string `json:"email"`
	Department           string `json:"department,omitempty"`
	PhoneNumber          string `json:"phoneNumber,omitempty"`
	Status               string `json:"status"`
	ExamStatusName       string `json:"examStatusName,omitempty"`
	LastInteractionDate  string `json:"lastInteractionDate,omitempty"`
	FirstCompletionDate  string `json:"firstCompletionDate,omitempty"`
	DeliveryType         string `json:"deliveryType"`
	IsMainScore          bool   `json:"isMainScore"`
	CustomFieldValues    []any  `json:"customFieldValues"`
	*trainingExtra              // training enrollments only (training.go)
}

// handleUsersSearch pages through an enrollment's target users. Users are
// generated for the asked page only, unless a search text needs them all.
// Positions are the listing's (see userListing); the pager's slots, when
// it sets them, name the positions the page holds.
func (s *Server) handleUsersSearch(w http.ResponseWriter, r *http.Request) {
	e, ok := s.pathEnrollment(w, r)
	if !ok {
		return
	}
	q, ok := readSearch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	ev := cloneEnrollment(e)
	s.mu.Unlock()

	index, listed := ev.userAt, ev.listed()
	if q.text != "" {
		var hits []int
		for pos := range listed {
			u := s.world.user(&ev, ev.userAt(pos))
			if q.matches(u.FirstName+" "+u.LastName) || q.matches(u.Email) {
				hits = append(hits, u.Index)
			}
		}
		index, listed = func(pos int) int { return hits[pos] }, len(hits)
	}
	win := q.window(listed, s.cfg.pageSizeCap)
	var rows []userRow
	add := func(pos int) {
		i := inventedUserBase + pos - listed // endless pages
		if pos < listed {
			i = index(pos)
		}
		rows = append(rows, s.userRow(&ev, s.world.user(&ev, i)))
	}
	win.each(add)
	if rows == nil {
		rows = []userRow{}
	}
	writeData(w, http.StatusOK, win.data(rows))
}

func (s *Server) userRow(e *Enrollment, u User) userRow {
	row := userRow{
		TargetUserResourceID: u.ID, ResourceID: u.ID, UserID: 100000 + u.Index, EnrollmentID: e.ID,
		FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Department: u.Department,
		PhoneNumber: u.Phone, Status: u.Status, DeliveryType: "Email", IsMainScore: true,
		CustomFieldValues: []any{},
	}
	format := s.world.dateFormat(e.CompanyID)
	if !u.LastInteraction.IsZero() {
		row.LastInteractionDate = display(format, u.LastInteraction, true)
	}
	if u.Status == UserCompleted {
		row.ExamStatusName = "Completed"
		row.FirstCompletionDate = display(format, u.LastInteraction, true)
	} else if u.Status != UserNotResponded {
		row.ExamStatusName = "Not Completed"
	}
	s.addTrainingFields(&row, e, u)
	return row
}

// pathUser resolves the {id} enrollment and {user} target user of a
// per-user report path, answering the request itself when either is not
// found. The enrollment is a copy, safe to read without the lock.
func (s *Server) pathUser(w http.ResponseWriter, r *http.Request) (Enrollment, User, bool) {
	e, ok := s.pathEnrollment(w, r)
	if !ok {
		return Enrollment{}, User{}, false
	}
	s.mu.Lock()
	ev := cloneEnrollment(e)
	s.mu.Unlock()
	u, ok := s.findUser(w, &ev, r.PathValue("user"))
	return ev, u, ok
}

// findUser resolves the {user} path value within e, or writes 404.
func (s *Server) findUser(w http.ResponseWriter, e *Enrollment, id string) (User, bool) {
	i, ok := s.world.userIndexOf(e, id)
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "Target user not found.", nil)
		return User{}, false
	}
	return s.world.user(e, i), true
}

type trackingInfo struct {
	BrowserName       string `json:"browserName"`
	UserAgent         string `json:"userAgent"`
	UserGeolocation   string `json:"userGeolocation,omitempty"`
	UserIPAddressList string `json:"userIpAddresslist"`
}

type interactionEvent struct {
	Interaction  string        `json:"interaction"`
	EventTime    string        `json:"eventTime"`
	StepCount    int           `json:"stepCount"`
	CurrentStep  string        `json:"currentStep,omitempty"`
	TrackingInfo *trackingInfo `json:"trackingInfo,omitempty"`
}

// handleInteractions is the user's event timeline. It holds no answers:
// those are only in exam-result-sessions.
func (s *Server) handleInteractions(w http.ResponseWriter, r *http.Request) {
	ev, u, ok := s.pathUser(w, r)
	if !ok {
		return
	}
	events := []interactionEvent{}
	if !ev.Created || ev.Status != StatusScheduled {
		events = append(events, interactionEvent{Interaction: "Email Sent", EventTime: dotNet(ev.StartDate), StepCount: 1})
	}
	tracking := &trackingInfo{
		BrowserName: "Firefox", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
		UserGeolocation: "Exampleton, Nowhere", UserIPAddressList: "192.0.2." + strconv.Itoa(1+u.Index%250),
	}
	at := ev.StartDate.Add(37 * time.Minute)
	add := func(what string) {
		events = append(events, interactionEvent{Interaction: what, EventTime: dotNet(at), StepCount: 1, CurrentStep: "1", TrackingInfo: tracking})
		at = at.Add(3 * time.Minute)
	}
	switch u.Status {
	case UserCompleted:
		add("Email Opened")
		add("Training Opened")
		add("Training Completed")
	case UserInProgress:
		add("Email Opened")
		add("Training Opened")
	case UserOpenedEmail:
		add("Email Opened")
	}
	writeData(w, http.StatusOK, events)
}

type humanAnswer struct {
	Option       string `json:"option"`
	IsUserAnswer bool   `json:"isUserAnswer"`
}

type humanInteraction struct {
	Source                   string        `json:"source"`
	Index                    int           `json:"index"`
	ScormID                  string        `json:"scormId"`
	Question                 string        `json:"question"`
	Type                     string        `json:"type"`
	Answers                  []humanAnswer `json:"answers"`
	CorrectAnswers           []string      `json:"correctAnswers"`
	StudentOrLearnerResponse string        `json:"studentOrLearnerResponse"`
	Result                   string        `json:"result"`
	Time                     string        `json:"time"`
	Latency                  string        `json:"latency"`
	Weighting                int           `json:"weighting"`
	Objectives               []string      `json:"objectives"`
}

type rawInteraction struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Timestamp int64  `json:"timestamp"`
}

type sessionRow struct {
	ScormSessionID              string             `json:"scormSessionId"`
	EnrollmentSessionID         string             `json:"enrollmentSessionId"`
	EnrollmentSessionCreatedAt  string             `json:"enrollmentSessionCreatedAt"`
	TargetUserResourceID        string             `json:"targetUserResourceId"`
	Interactions                []rawInteraction   `json:"interactions"`
	InteractionsHumanReadable   []humanInteraction `json:"interactionsHumanReadable"`
	TotalQuestions              int                `json:"totalQuestions"`
	CorrectCount                int                `json:"correctCount"`
	WrongCount                  int                `json:"wrongCount"`
	EmptyCount                  int                `json:"emptyCount"`
	Questions                   []any              `json:"questions"`
	EnrollmentContentResourceID string             `json:"enrollmentContentResourceId"`
}

// handleExamSessions returns the user's exam-result sessions, where survey
// answers live. Users who never answered have none (data: []).
func (s *Server) handleExamSessions(w http.ResponseWriter, r *http.Request) {
	ev, u, ok := s.pathUser(w, r)
	if !ok {
		return
	}
	rows := []sessionRow{}
	for _, sess := range s.world.sessions(&ev, u) {
		rows = append(rows, s.sessionRow(&ev, u, sess))
	}
	if size := s.cfg.hostile.bigAnswers; size > 0 {
		writeBigAnswer(w, s.hostile.bomb().run, rows, size)
		return
	}
	writeData(w, http.StatusOK, rows)
}

func (s *Server) sessionRow(e *Enrollment, u User, sess Session) sessionRow {
	row := sessionRow{
		ScormSessionID: sess.ID + "-scorm", EnrollmentSessionID: sess.ID,
		EnrollmentSessionCreatedAt: display(s.world.dateFormat(e.CompanyID), sess.CreatedAt, true), TargetUserResourceID: u.ID,
		Interactions: []rawInteraction{}, InteractionsHumanReadable: []humanInteraction{},
		TotalQuestions: len(surveyQuestions), Questions: []any{},
		// Meaningless for surveys, as on the live service.
		EmptyCount:                  len(surveyQuestions) - len(sess.Answers),
		EnrollmentContentResourceID: "ec" + e.TrainingID,
	}
	at := sess.CreatedAt
	for _, a := range sess.Answers {
		q := questionByID(a.ScormID)
		h := mix(s.world.seed, "latency", sess.ID, a.ScormID)
		latency := time.Duration(20+h%160) * time.Second
		answers := make([]humanAnswer, len(q.options))
		for i, opt := range q.options {
			answers[i] = humanAnswer{Option: opt, IsUserAnswer: opt == a.Option}
		}
		at = at.Add(latency)
		row.InteractionsHumanReadable = append(row.InteractionsHumanReadable, humanInteraction{
			Source: "Qex", Index: a.Index, ScormID: a.ScormID, Question: a.Question, Type: "choice-single",
			Answers: answers, CorrectAnswers: []string{}, StudentOrLearnerResponse: a.Response,
			Result: "neutral", Time: at.Format("15:04:05"), Latency: isoDuration(latency), Objectives: []string{},
		})
		prefix := fmt.Sprintf("cmi.interactions.%d.", a.Index-1)
		row.Interactions = append(row.Interactions,
			rawInteraction{Name: prefix + "id", Value: a.ScormID, Timestamp: at.UnixMilli()},
			rawInteraction{Name: prefix + "learner_response", Value: a.Response, Timestamp: at.UnixMilli()})
	}
	return row
}

func questionByID(id string) surveyQuestion {
	for _, q := range surveyQuestions {
		if q.scormID == id {
			return q
		}
	}
	return surveyQuestion{}
}

// isoDuration renders d as SCORM does, e.g. "PT0H1M15S".
func isoDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h := int(d / time.Hour)
	m := int(d % time.Hour / time.Minute)
	sec := int(d % time.Minute / time.Second)
	return fmt.Sprintf("PT%dH%dM%dS", h, m, sec)
}
