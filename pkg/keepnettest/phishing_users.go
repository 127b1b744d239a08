package keepnettest

import (
	"net/http"
	"time"
)

// jobUsersPage is the users search's data: a page with the count of
// scanner activity beside it.
type jobUsersPage struct {
	TotalSandBoxActivityCount int `json:"totalSandBoxActivityCount"`
	pageData
}

// jobUsersSearch pages through a job's target users of one search type.
// Submitted, which the vendor documents, is answered 400, as are types the
// channel has no events for (the fake's choice). Each search type is a
// subset of All. Rows are generated for the asked page only.
func (s *Server) jobUsersSearch(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j, searchType, q, ok := s.readJobUsersSearch(w, r, sh)
		if !ok {
			return
		}
		idx, sandbox := s.jobSubset(j, searchType, q)
		win := q.window(subsetLen(j, idx), s.cfg.pageSizeCap)
		view := s.jobViewOf(sh, j)
		rows := make([]jobUserView, 0, win.end-win.start)
		listed := subsetLen(j, idx)
		win.each(func(n int) {
			if n < listed { // endless pages invent no job users
				rows = append(rows, view.row(s.world.jobUser(j, subsetAt(idx, n))))
			}
		})
		writeData(w, http.StatusOK, jobUsersPage{TotalSandBoxActivityCount: sandbox, pageData: win.data(rows)})
	}
}

// readJobUsersSearch resolves the job and search type and reads the body,
// answering errors itself.
func (s *Server) readJobUsersSearch(w http.ResponseWriter, r *http.Request, sh *channelShape) (*Job, string, searchRequest, bool) {
	j, ok := s.pathJob(w, r, sh)
	if !ok {
		return nil, "", searchRequest{}, false
	}
	q, ok := readSearch(w, r)
	if !ok {
		return nil, "", q, false
	}
	searchType, ok := sh.searchType(r.PathValue("searchType"))
	if !ok {
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.",
			[]string{"The value '" + r.PathValue("searchType") + "' is not a valid search type."})
		return nil, "", q, false
	}
	return j, searchType, q, true
}

// jobSubset returns the indexes of j's users the search type and text
// select (nil: every user, in order) and how many of them are scanner
// activity. Subsets without a text are kept: they cost a pass over the
// job's users.
func (s *Server) jobSubset(j *Job, searchType string, q searchRequest) ([]int32, int) {
	if searchType == SearchAll && q.text == "" {
		return nil, s.jobTotals(j).Sandbox
	}
	var idx []int32
	cached := false
	if q.text == "" {
		s.mu.Lock()
		idx, cached = s.world.sims.jobCache(j).subsets[searchType]
		s.mu.Unlock()
	}
	if !cached {
		idx = []int32{}
		for i := range j.Users {
			u := s.world.jobUser(j, i)
			if inSearch(u, searchType) && (q.text == "" || q.matches(u.FirstName+" "+u.LastName) || q.matches(u.Email)) {
				idx = append(idx, int32(i))
			}
		}
		if q.text == "" {
			s.mu.Lock()
			s.world.sims.jobCache(j).subsets[searchType] = idx
			s.mu.Unlock()
		}
	}
	sandbox := 0
	for _, i := range idx {
		if s.world.jobUser(j, int(i)).Bot() {
			sandbox++
		}
	}
	return idx, sandbox
}

func subsetLen(j *Job, idx []int32) int {
	if idx == nil {
		return j.Users
	}
	return len(idx)
}

func subsetAt(idx []int32, n int) int {
	if idx == nil {
		return n
	}
	return int(idx[n])
}

// inSearch reports whether u is a row of the search type.
func inSearch(u JobUser, searchType string) bool {
	switch searchType {
	case SearchAll:
		return true
	case SearchNoResponse:
		return u.NoResponse()
	}
	return u.Count(searchKinds[searchType]) > 0
}

// jobUserView is a row of the users search in every channel's view:
// members a channel's view lacks stay nil or empty and are left out, as
// the service leaves out nulls. A struct rather than a map because a
// 20,000-user pull encodes 20,000 of them.
type jobUserView struct {
	ResourceID           string `json:"resourceId"`
	FirstName            string `json:"firstName"`
	LastName             string `json:"lastName"`
	Email                string `json:"email"`
	Department           string `json:"department,omitempty"`
	PhoneNumber          string `json:"phoneNumber,omitempty"`
	PhishingScenarioName string `json:"phishingScenarioName,omitempty"`
	SmishingScenarioName string `json:"smishingScenarioName,omitempty"`
	QuishingScenarioName string `json:"quishingScenarioName,omitempty"`

	LastOpenedTime                      string `json:"lastOpenedTime,omitempty"`
	LastOpenedTimeToLocalUser           string `json:"lastOpenedTimeToLocalUser,omitempty"`
	OpenedCount                         *int   `json:"openedCount,omitempty"`
	LastClickedTime                     string `json:"lastClickedTime,omitempty"`
	LastClickedTimeToLocalUser          string `json:"lastClickedTimeToLocalUser,omitempty"`
	ClickedCount                        int    `json:"clickedCount"`
	LastSubmittedTime                   string `json:"lastSubmittedTime,omitempty"`
	LastSubmittedTimeToLocalUser        string `json:"lastSubmittedTimeToLocalUser,omitempty"`
	SubmittedCount                      int    `json:"submittedCount"`
	LastAttachmentOpenedTime            string `json:"lastAttachmentOpenedTime,omitempty"`
	LastAttachmentOpenedTimeToLocalUser string `json:"lastAttachmentOpenedTimeToLocalUser,omitempty"`
	AttachmentOpenedCount               *int   `json:"attachmentOpenedCount,omitempty"`
	MinPasswordComplexity               string `json:"minPasswordComplexity"`
	Status                              string `json:"status"`
	JobResultMessage                    string `json:"jobResultMessage,omitempty"`
	LastSendingTime                     string `json:"lastSendingTime,omitempty"`
	LastSendingTimeToLocalUser          string `json:"lastSendingTimeToLocalUser,omitempty"`
	ReportedCount                       int    `json:"reportedCount"`
	LastReportedTime                    string `json:"lastReportedTime,omitempty"`
	LastReportedTimeToLocalUser         string `json:"lastReportedTimeToLocalUser,omitempty"`
	EmailDelivery                       string `json:"emailDelivery"`
	MFASubmittedCount                   int    `json:"mfaSubmittedCount"`
	ActivityType                        string `json:"activityType,omitempty"`
	SystemActivityType                  string `json:"systemActivityType,omitempty"`
	MFALastSubmittedTime                string `json:"mfaLastSubmittedTime,omitempty"`
	MFALastSubmittedTimeToLocalUser     string `json:"mfaLastSubmittedTimeToLocalUser,omitempty"`
	ReplyType                           string `json:"replyType,omitempty"`
	ReplySent                           string `json:"replySent,omitempty"`
	ReplySentToLocalUser                string `json:"replySentToLocalUser,omitempty"`
	IsTrackingReplyContentEnabled       *bool  `json:"isTrackingReplyContentEnabled,omitempty"`
	IsTrackingReplyOutOfOfficeEnabled   *bool  `json:"isTrackingReplyOutOfOfficeEnabled,omitempty"`
	PreferredLanguage                   string `json:"preferredLanguage,omitempty"`
	TargetGroups                        string `json:"targetGroups,omitempty"`
	TargetUserID                        int    `json:"targetUserId"`
	CustomFieldValues                   []any  `json:"customFieldValues"`
}

// jobView is what every row of one job shares.
type jobView struct {
	sh       *channelShape
	format   string // the company's date display format
	scenario string
}

// jobViewOf reads j's company format and campaign scenario once per
// request.
func (s *Server) jobViewOf(sh *channelShape, j *Job) jobView {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := jobView{sh: sh, format: s.world.dateFormat(j.CompanyID)}
	if c := s.world.campaign(j.CampaignID); c != nil {
		v.scenario = c.Scenario
	}
	return v
}

// row renders u in the channel's view.
func (v jobView) row(u JobUser) jobUserView {
	sh := v.sh
	row := jobUserView{
		ResourceID: u.ResourceID, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Department: u.Department,
		ClickedCount: u.Count(EventClicked), SubmittedCount: u.Count(EventSubmitted), ReportedCount: u.Count(EventReported),
		MFASubmittedCount: u.Count(EventMFASubmitted), MinPasswordComplexity: "Medium", Status: u.Status,
		EmailDelivery: "Delivered", ActivityType: u.ActivityType, TargetUserID: u.TargetUserID, CustomFieldValues: []any{},
	}
	switch sh.channel {
	case ChannelSmishing:
		row.SmishingScenarioName = v.scenario
	case ChannelQuishing:
		row.QuishingScenarioName = v.scenario
	default:
		row.PhishingScenarioName = v.scenario
	}
	if sh.phone {
		row.PhoneNumber = u.Phone
	}
	if sh.has(EventOpened) {
		row.OpenedCount = ptrTo(u.Count(EventOpened))
	}
	if sh.has(EventAttachmentOpened) {
		row.AttachmentOpenedCount = ptrTo(u.Count(EventAttachmentOpened))
	}
	when := func(at time.Time, main, local *string) {
		if at.IsZero() {
			return
		}
		*main = dotNet(at)
		if sh.localTwins {
			*local = display(v.format, at, true)
		}
	}
	for _, k := range []struct {
		kind        EventKind
		main, local *string
	}{
		{EventOpened, &row.LastOpenedTime, &row.LastOpenedTimeToLocalUser},
		{EventClicked, &row.LastClickedTime, &row.LastClickedTimeToLocalUser},
		{EventSubmitted, &row.LastSubmittedTime, &row.LastSubmittedTimeToLocalUser},
		{EventAttachmentOpened, &row.LastAttachmentOpenedTime, &row.LastAttachmentOpenedTimeToLocalUser},
		{EventReported, &row.LastReportedTime, &row.LastReportedTimeToLocalUser},
		{EventMFASubmitted, &row.MFALastSubmittedTime, &row.MFALastSubmittedTimeToLocalUser},
	} {
		if sh.has(k.kind) {
			when(u.Last(k.kind), k.main, k.local)
		}
	}
	when(u.SentAt, &row.LastSendingTime, &row.LastSendingTimeToLocalUser)
	if !u.Delivered {
		row.EmailDelivery = "Not Delivered"
		row.JobResultMessage = "550 5.1.1 Recipient address rejected"
	}
	if sh.systemActivity {
		row.SystemActivityType = u.SystemActivityType
	}
	if sh.emailExtras {
		row.IsTrackingReplyContentEnabled, row.IsTrackingReplyOutOfOfficeEnabled = ptrTo(true), ptrTo(false)
		row.TargetGroups = u.TargetGroups
		row.PreferredLanguage = "English"
		if reply := u.ReplyType(); reply != "" {
			row.ReplyType = reply
			when(u.Last(EventReplied), &row.ReplySent, &row.ReplySentToLocalUser)
		}
	}
	return row
}

func ptrTo[T any](v T) *T { return &v }
