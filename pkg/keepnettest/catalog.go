package keepnettest

import (
	"net/http"
	"time"
)

type companyRow struct {
	CompanyName             string   `json:"companyName"`
	CompanyResourceID       string   `json:"companyResourceId"`
	ResellerName            string   `json:"resellerName"`
	IndustryName            string   `json:"industryName,omitempty"`
	LicenseTypeName         string   `json:"licenseTypeName"`
	IsNumberOfUsersLimited  bool     `json:"isNumberOfUsersLimited"`
	NumberOfUsers           string   `json:"numberOfUsers"`
	PrivacyDurationID       int      `json:"privacyDurationId"`
	LicenceExpired          bool     `json:"licenceExpired"`
	LicenseEndDate          string   `json:"licenseEndDate,omitempty"`
	CreateTime              string   `json:"createTime"`
	TargetUserCount         int      `json:"targetUserCount"`
	Children                []any    `json:"children"`
	Tags                    []string `json:"tags"`
	DeletedTargetUserCount  int      `json:"deletedTargetUserCount"`
	InactiveTargetUserCount int      `json:"inactiveTargetUserCount"`
	MonthlyActiveUserCount  int      `json:"monthlyActiveUserCount"`
}

// handleCompaniesSearch lists the reseller's customers. It is the one
// unscoped call of the flows: company headers are ignored.
func (s *Server) handleCompaniesSearch(w http.ResponseWriter, r *http.Request) {
	q, ok := readSearch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var rows []companyRow
	for i, c := range s.world.managedCompanies() {
		if !q.matches(c.Name) {
			continue
		}
		users := 0
		for _, g := range s.world.groups {
			if g.CompanyID == c.ID {
				users += g.UserCount
			}
		}
		created := seedTime.AddDate(-2, i, 0)
		row := companyRow{
			CompanyName: c.Name, CompanyResourceID: c.ID, ResellerName: ResellerCompanyName,
			IndustryName: c.Industry, LicenseTypeName: "Enterprise", NumberOfUsers: "Unlimited",
			PrivacyDurationID: 1, CreateTime: dotNet(created), TargetUserCount: users,
			Children: []any{}, Tags: []string{}, MonthlyActiveUserCount: users / 2,
		}
		// One company without a licence end date: the field is left out.
		if c.ID != CompanyAcmeEuropeID {
			row.LicenseEndDate = display(s.world.dateFormat(c.ID), created.AddDate(3, 0, 0), true)
		}
		rows = append(rows, row)
	}
	s.mu.Unlock()
	win := q.window(len(rows), s.cfg.pageSizeCap)
	data := struct {
		LimitExceededCompanyCount int `json:"limitExceededCompanyCount"`
		pageData
	}{0, win.data(pageOf(rows, win))}
	writeData(w, http.StatusOK, data)
}

type trainingRow struct {
	TrainingID     string   `json:"trainingId"`
	TrainingName   string   `json:"trainingName"`
	Description    string   `json:"description,omitempty"`
	CreatedBy      string   `json:"createdBy"`
	CreateTime     string   `json:"createTime"`
	IsEditable     bool     `json:"isEditable"`
	Category       string   `json:"category"`
	TargetAudience string   `json:"targetAudience"`
	Type           string   `json:"type"`
	HasQuiz        bool     `json:"hasQuiz"`
	Duration       string   `json:"duration,omitempty"`
	Level          string   `json:"level"`
	Tags           []string `json:"tags"`
	Languages      []string `json:"languages"`
	VendorName     string   `json:"vendorName"`
	IsNew          bool     `json:"isNew"`
	IsFavourite    bool     `json:"isFavourite"`
}

// handleTrainingsSearch lists the training library (the same for every
// company), with the ID under trainingId.
func (s *Server) handleTrainingsSearch(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.scope(w, r, false); !ok {
		return
	}
	q, ok := readSearch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var rows []trainingRow
	for i, t := range s.world.trainings {
		if t.removed || !q.matches(t.Name) {
			continue
		}
		row := trainingRow{
			TrainingID: t.ID, TrainingName: t.Name, CreatedBy: "Keepnet Labs",
			CreateTime: dotNet(seedTime.AddDate(-1, i, 0)), Category: "Security Awareness",
			TargetAudience: "All Employees", Type: t.Type, HasQuiz: t.Type == "SCORM",
			Level: "Beginner", Tags: []string{}, Languages: []string{"English"}, VendorName: "Keepnet Labs",
		}
		if t.Type == "SCORM" {
			row.Duration = "15 min"
			row.Description = "An invented course for the keepnettest fake."
		}
		rows = append(rows, row)
	}
	s.mu.Unlock()
	win := q.window(len(rows), s.cfg.pageSizeCap)
	writeData(w, http.StatusOK, win.data(pageOf(rows, win)))
}

type groupRow struct {
	ResourceID  string `json:"resourceId"`
	Name        string `json:"name"`
	CompanyName string `json:"companyName"`
	UserCount   int    `json:"userCount"`
	Priority    string `json:"priority"`
	CreateTime  string `json:"createTime"`
	UpdateTime  string `json:"updateTime,omitempty"`
}

// handleTargetGroupsSearch lists the scoped company's target groups. Without
// a company header a reseller sees the groups of every customer, so "Finance"
// appears once per company.
func (s *Server) handleTargetGroupsSearch(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.scope(w, r, false)
	if !ok {
		return
	}
	q, ok := readSearch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var rows []groupRow
	for i, g := range s.world.groups {
		if g.removed || !s.world.inScope(scope, g.CompanyID) || !q.matches(g.Name) {
			continue
		}
		row := groupRow{
			ResourceID: g.ID, Name: g.Name, UserCount: g.UserCount, Priority: "Medium",
			CreateTime: dotNet(seedTime.AddDate(0, -6, i)),
		}
		if c := s.world.company(g.CompanyID); c != nil {
			row.CompanyName = c.Name
		}
		if i%2 == 0 {
			row.UpdateTime = dotNet(seedTime.AddDate(0, -1, i))
		}
		rows = append(rows, row)
	}
	s.mu.Unlock()
	win := q.window(len(rows), s.cfg.pageSizeCap)
	writeData(w, http.StatusOK, win.data(pageOf(rows, win)))
}

// handleTimeZones lists the Windows time-zone IDs the create endpoint
// accepts.
func (s *Server) handleTimeZones(w http.ResponseWriter, r *http.Request) {
	type zone struct {
		DisplayName string `json:"displayName"`
		ID          string `json:"id"`
	}
	zones := make([]zone, len(seededTimeZones))
	for i, z := range seededTimeZones {
		zones[i] = zone{DisplayName: z.display, ID: z.id}
	}
	writeData(w, http.StatusOK, map[string]any{
		"timeZoneList":   zones,
		"dateFormatList": []string{"DD/MM/YYYY", "MM/DD/YYYY", "YYYY/MM/DD"},
		"timeFormatList": []string{"24", "12"},
	})
}

func knownTimeZone(id string) bool {
	for _, z := range seededTimeZones {
		if z.id == id {
			return true
		}
	}
	return false
}

// handleFormDetails returns the enum tables and template IDs the vendor's UI
// loads before creating an enrollment.
func (s *Server) handleFormDetails(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.scope(w, r, false); !ok {
		return
	}
	type pair struct {
		ID          int    `json:"id"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
	}
	pairs := func(names ...string) []pair {
		out := make([]pair, len(names))
		for i, n := range names {
			out[i] = pair{ID: i + 1, Name: n, DisplayName: n}
		}
		return out
	}
	writeData(w, http.StatusOK, map[string]any{
		"enumNameValuePairs": map[string][]pair{
			"EmailPeriodTypeEnum":           pairs("Day", "Week", "Month"),
			"ReminderEndTypeEnum":           pairs("Never", "AfterOccurrence", "OnDate"),
			"CertificateConfigSendTypeEnum": pairs("DoNotSend", "SendAfterCompletion"),
			"AutoEnrollTypeEnum":            pairs("None", "NewUsers"),
		},
		"trainingEmailNotificationTemplateTypeResourceId":             "nt1TrainMail",
		"reminderEmailNotificationTemplateTypeResourceId":             "nt2Reminder0",
		"surveyEmailNotificationTemplateTypeResourceId":               "nt3SurveyMl0",
		"surveyReminderEmailNotificationTemplateTypeResourceId":       "nt4SurvRemd",
		"certificateEmailNotificationTemplateTypeResourceId":          "nt5Certific",
		"learningPathEmailNotificationTemplateTypeResourceId":         "nt6LearnPth",
		"learningPathReminderEmailNotificationTemplateTypeResourceId": "nt7LearnRem",
		"posterEmailNotificationTemplateTypeResourceId":               "nt8Poster00",
		"infographicEmailNotificationTemplateTypeResourceId":          "nt9Infogrph",
		"canSaveVendor": false,
	})
}

// now is the fake's clock, truncated to seconds as the service's dates are.
func (s *Server) now() time.Time { return s.cfg.now().UTC().Truncate(time.Second) }

// handleCompanyGet returns one customer company's settings, among them the
// display format its dates are written in.
func (s *Server) handleCompanyGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	c := s.world.company(id)
	var data map[string]any
	if c != nil && c.Managed {
		data = map[string]any{
			"resourceId": c.ID, "name": c.Name, "industryName": c.Industry,
			"dateFormat": s.world.dateFormat(c.ID), "timeFormat": "HH:mm",
			"licenseTypeName": "Enterprise", "targetUserCount": 0, "tags": []string{},
		}
	}
	s.mu.Unlock()
	switch {
	case c == nil:
		writeError(w, http.StatusNotFound, "NOT_FOUND", "Company not found.", nil)
	case data == nil:
		writeCapitalError(w, http.StatusForbidden, "PRIVACY_ERROR", "You do not have permission to access this company's data.")
	default:
		writeData(w, http.StatusOK, data)
	}
}
