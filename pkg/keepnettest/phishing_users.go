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
		rows := make([]map[string]any, 0, win.end-win.start)
		for n := win.start; n < win.end; n++ {
			rows = append(rows, s.jobUserRow(sh, j, s.world.jobUser(j, subsetAt(idx, n))))
		}
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

// jobUserRow renders u as the channel's user view. Null members are left
// out, as the service omits them.
func (s *Server) jobUserRow(sh *channelShape, j *Job, u JobUser) map[string]any {
	s.mu.Lock()
	format := s.world.dateFormat(j.CompanyID)
	scenario := ""
	if c := s.world.campaign(j.CampaignID); c != nil {
		scenario = c.Scenario
	}
	s.mu.Unlock()
	row := map[string]any{
		"resourceId": u.ResourceID, "firstName": u.FirstName, "lastName": u.LastName, "email": u.Email,
		sh.scenarioField: scenario, "status": u.Status, "clickedCount": u.Count(EventClicked),
		"submittedCount": u.Count(EventSubmitted), "reportedCount": u.Count(EventReported),
		"mfaSubmittedCount": u.Count(EventMFASubmitted), "targetUserId": u.TargetUserID,
		"minPasswordComplexity": "Medium", "customFieldValues": []any{},
	}
	setIf(row, "department", u.Department)
	if sh.phone {
		setIf(row, "phoneNumber", u.Phone)
	}
	if sh.has(EventOpened) {
		row["openedCount"] = u.Count(EventOpened)
	}
	if sh.has(EventAttachmentOpened) {
		row["attachmentOpenedCount"] = u.Count(EventAttachmentOpened)
	}
	when := func(name string, t time.Time) {
		if t.IsZero() {
			return
		}
		row[name] = dotNet(t)
		if sh.localTwins {
			row[name+"ToLocalUser"] = display(format, t, true)
		}
	}
	for _, k := range []struct {
		kind EventKind
		name string
	}{{EventOpened, "lastOpenedTime"}, {EventClicked, "lastClickedTime"}, {EventSubmitted, "lastSubmittedTime"},
		{EventAttachmentOpened, "lastAttachmentOpenedTime"}, {EventReported, "lastReportedTime"},
		{EventMFASubmitted, "mfaLastSubmittedTime"}} {
		if sh.has(k.kind) {
			when(k.name, u.Last(k.kind))
		}
	}
	when("lastSendingTime", u.SentAt)
	row["emailDelivery"] = "Delivered"
	if !u.Delivered {
		row["emailDelivery"] = "Not Delivered"
		row["jobResultMessage"] = "550 5.1.1 Recipient address rejected"
	}
	setIf(row, "activityType", u.ActivityType)
	if sh.systemActivity {
		setIf(row, "systemActivityType", u.SystemActivityType)
	}
	if sh.emailExtras {
		row["isTrackingReplyContentEnabled"] = true
		row["isTrackingReplyOutOfOfficeEnabled"] = false
		row["targetGroups"] = u.TargetGroups
		row["preferredLanguage"] = "English"
		if reply := u.ReplyType(); reply != "" {
			row["replyType"] = reply
			when("replySent", u.Last(EventReplied))
		}
	}
	return row
}

// setIf sets row[key] to v unless v is empty: the service leaves null
// members out.
func setIf(row map[string]any, key, v string) {
	if v != "" {
		row[key] = v
	}
}
