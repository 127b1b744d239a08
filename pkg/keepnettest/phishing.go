package keepnettest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// campaignsSearch lists the scoped company's campaigns of the channel, test
// campaigns included: the API lists them, and their rows do not say they
// are tests (excludeFromReports is only in the detail and the job summary).
func (s *Server) campaignsSearch(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scope, ok := s.scope(w, r, false)
		if !ok {
			return
		}
		q, ok := readSearch(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		var rows []map[string]any
		for _, c := range s.world.sims.campaigns {
			if c.Channel != sh.channel || !s.world.inScope(scope, c.CompanyID) || !q.matches(c.Name) {
				continue
			}
			rows = append(rows, s.campaignRow(sh, c))
		}
		s.mu.Unlock()
		win := q.window(len(rows), s.cfg.pageSizeCap)
		writeData(w, http.StatusOK, win.data(pageOf(rows, win)))
	}
}

// campaignRow renders c; s.mu must be held.
func (s *Server) campaignRow(sh *channelShape, c *Campaign) map[string]any {
	jobs := s.world.campaignJobs(c.ID)
	row := map[string]any{
		"resourceId": c.ID, "name": c.Name, "method": c.Method, "methodDetail": c.Method,
		"scenarioCount": "1", "instanceCount": strconv.Itoa(len(jobs)), "status": campaignStatus(jobs),
		"hasTraining": false, "createdBy": "MSSP Operator", "createTime": dotNet(c.CreateTime),
		"emailDelivery": sh.deliveryName, "frequency": 0, "categoryDistributionType": "Random",
	}
	if len(jobs) > 0 {
		last := jobs[len(jobs)-1]
		row["instanceGroup"] = last.InstanceGroup
		row["targetUsers"] = strconv.Itoa(last.Users)
		row["lastLaunch"] = display(s.world.dateFormat(c.CompanyID), last.StartDate, false)
	}
	return row
}

func campaignStatus(jobs []*Job) string {
	if len(jobs) == 0 {
		return "Idle"
	}
	for _, j := range jobs {
		if j.Status == JobRunning {
			return "Running"
		}
	}
	return "Completed"
}

// campaignGet is the campaign's detail, where excludeFromReports is.
func (s *Server) campaignGet(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scope, ok := s.scope(w, r, false)
		if !ok {
			return
		}
		s.mu.Lock()
		c := s.world.campaign(r.PathValue("id"))
		if c == nil || c.Channel != sh.channel || !s.world.inScope(scope, c.CompanyID) {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "NOT_FOUND", sh.title+" campaign not found.", nil)
			return
		}
		groups := []map[string]any{}
		for _, id := range c.GroupIDs {
			if g := s.world.group(id); g != nil {
				groups = append(groups, map[string]any{"resourceId": g.ID, "name": g.Name})
			}
		}
		data := map[string]any{
			"resourceId": c.ID, "name": c.Name, "excludeFromReports": c.ExcludeFromReports,
			"scenarios":    []map[string]any{{"resourceId": "sc" + c.ID, "name": c.Scenario}},
			"targetGroups": groups, "scheduleTypeId": 1, "duration": 7, "distributionTypeId": 1,
			"sendingLimit": 0, "sendOnlyActiveUsers": true, "sendRandomlyUsers": false, "frequency": 0,
			"useTargetUserTimeZone": false,
		}
		// Written without the lock: a hollow rule takes it to spend its budget.
		s.mu.Unlock()
		writeData(w, http.StatusOK, data)
	}
}

// jobsSearch lists the scoped company's jobs of the channel. Its view has
// createdDate, not createTime, and the service refuses orderBy
// "CreateTime" with 400; the vendor's own example sends "Name".
func (s *Server) jobsSearch(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, jobs, ok := s.readJobsSearch(w, r, sh)
		if !ok {
			return
		}
		rows := make([]map[string]any, 0, len(jobs))
		for _, j := range jobs {
			rows = append(rows, s.jobRow(sh, j))
		}
		win := q.window(len(rows), s.cfg.pageSizeCap)
		writeData(w, http.StatusOK, win.data(pageOf(rows, win)))
	}
}

// readJobsSearch reads a job search (or its export) and returns the jobs
// it selects, in the fake's stable order; it answers errors itself.
func (s *Server) readJobsSearch(w http.ResponseWriter, r *http.Request, sh *channelShape) (searchRequest, []*Job, bool) {
	scope, ok := s.scope(w, r, false)
	if !ok {
		return searchRequest{}, nil, false
	}
	q, ok := readSearch(w, r)
	if !ok {
		return q, nil, false
	}
	if strings.EqualFold(q.orderBy, "CreateTime") {
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.",
			[]string{"'CreateTime' is not a valid OrderBy for this search."})
		return q, nil, false
	}
	s.mu.Lock()
	var jobs []*Job
	for _, j := range s.world.sims.jobs {
		if j.Channel == sh.channel && s.world.inScope(scope, j.CompanyID) && q.matches(j.Name) {
			jobs = append(jobs, j)
		}
	}
	s.mu.Unlock()
	return q, jobs, true
}

// jobRow renders a job search row with the job's totals.
func (s *Server) jobRow(sh *channelShape, j *Job) map[string]any {
	t := s.jobTotals(j)
	s.mu.Lock()
	format := s.world.dateFormat(j.CompanyID)
	method := ""
	if c := s.world.campaign(j.CampaignID); c != nil {
		method = c.Method
	}
	s.mu.Unlock()
	row := map[string]any{
		sh.campaignIDField: j.CampaignID, "instanceGroup": j.InstanceGroup, "name": j.Name,
		"startDate":        display(format, j.StartDate, false),
		"totalOpenedCount": t.Opened, "totalClickedCount": t.Clicked, "totalSubmittedCount": t.Submitted,
		"totalAttachmentOpenedCount": t.AttachmentOpened, "totalNoResponseCount": t.NoResponse,
		"totalTargetUserCount": t.Targets, sh.deliveredField: t.Delivered,
		"method": method, "methodDetail": method, "status": j.Status, "createdBy": "MSSP Operator",
		"createdDate": dotNet(j.CreatedDate), sh.deliveryField: sh.deliveryName,
	}
	if sh.channel == ChannelPhishing {
		row["totalSubmittedMFACount"] = t.MFASubmitted
	}
	return row
}

// pathJob resolves the {id} campaign and {instanceGroup} of a job path in
// the request's scope, answering 404 itself when there is no such job.
func (s *Server) pathJob(w http.ResponseWriter, r *http.Request, sh *channelShape) (*Job, bool) {
	scope, ok := s.scope(w, r, false)
	if !ok {
		return nil, false
	}
	ig, err := strconv.Atoi(r.PathValue("instanceGroup"))
	s.mu.Lock()
	var j *Job
	if err == nil {
		j = s.world.job(r.PathValue("id"), ig)
	}
	visible := j != nil && j.Channel == sh.channel && s.world.inScope(scope, j.CompanyID)
	s.mu.Unlock()
	if !visible {
		writeError(w, http.StatusNotFound, "NOT_FOUND", sh.title+" campaign job not found.", nil)
		return nil, false
	}
	return j, true
}

// jobSummary is the job's report page: totals, scenario statistics and
// the campaign's settings, where excludeFromReports is. The DTO is the
// phishing one for every channel, as in the spec.
func (s *Server) jobSummary(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j, ok := s.pathJob(w, r, sh)
		if !ok {
			return
		}
		t := s.jobTotals(j)
		s.mu.Lock()
		c := cloneCampaign(s.world.campaign(j.CampaignID))
		s.mu.Unlock()
		end := j.StartDate.AddDate(0, 0, 7)
		writeData(w, http.StatusOK, map[string]any{
			"phishingCampaignResourceId": j.CampaignID,
			"phishingCampaignName":       j.Name,
			"campaignInfo": map[string]any{
				"startDate": dotNet(j.StartDate), "endDate": dotNet(end),
				"totalTargetUserCount": t.Targets, "emailDeliveredUserCount": t.Delivered,
				"emailNotDeliveredUserCount": t.NotDelivered, "emailDeliveryStartDate": dotNet(j.StartDate),
				"emailDeliveryEndDate": dotNet(j.StartDate.Add(time.Hour)), "frequency": 0,
				"emailDeliveryDuration": "1 hour", "scheduleTypeId": 1,
			},
			"settings": map[string]any{
				"excludeFromReports": c.ExcludeFromReports, "duration": 7, "smtpName": sh.deliveryName,
			},
			"targetUsers": map[string]any{
				"randomlyUsersCount": 0, "targetGroupsCount": len(c.GroupIDs), "sendRandomlyUsers": false, "sendOnlyActiveUsers": true,
			},
			"scenarioStats": map[string]any{
				"openedEmail": t.Opened, "clickedEmail": t.Clicked, "submittedEmail": t.Submitted,
				"attachmentOpenedEmail": t.AttachmentOpened, "reportedEmail": t.Reported,
				"noResponseEmail": t.NoResponse, "notDelivered": t.NotDelivered, "failedToSend": 0, "mfa": t.MFASubmitted,
			},
			"scenarios": []map[string]any{{
				"scenarioInfo": map[string]any{"name": c.Scenario, "category": "Finance", "methodTypeId": 1, "difficultyTypeId": 2, "languageShortCode": "en"},
			}},
			"campaignDurationExpired": j.Status != JobRunning,
		})
	}
}

// JobTotals are a job's counts as its summary and job row report them:
// users, not events (a user who clicked twice counts once).
type JobTotals struct {
	Targets, Delivered, NotDelivered                                     int
	Opened, Clicked, Submitted, AttachmentOpened, Reported, MFASubmitted int
	Replied, NoResponse                                                  int
	// Sandbox counts users whose activity the system classed as a
	// scanner's (an administrator may have marked some of them human).
	Sandbox int
}

// jobTotals computes j's totals once: they cost a pass over its users.
func (s *Server) jobTotals(j *Job) JobTotals {
	s.mu.Lock()
	c := s.world.sims.jobCache(j)
	if c.totals != nil {
		t := *c.totals
		s.mu.Unlock()
		return t
	}
	s.mu.Unlock()
	t := JobTotals{Targets: j.Users}
	for i := range j.Users {
		u := s.world.jobUser(j, i)
		if !u.Delivered {
			t.NotDelivered++
			continue
		}
		t.Delivered++
		for _, k := range []struct {
			kind EventKind
			n    *int
		}{{EventOpened, &t.Opened}, {EventClicked, &t.Clicked}, {EventSubmitted, &t.Submitted},
			{EventAttachmentOpened, &t.AttachmentOpened}, {EventReported, &t.Reported},
			{EventMFASubmitted, &t.MFASubmitted}, {EventReplied, &t.Replied}} {
			if u.Count(k.kind) > 0 {
				*k.n++
			}
		}
		if u.NoResponse() {
			t.NoResponse++
		}
		if u.Bot() {
			t.Sandbox++
		}
	}
	s.mu.Lock()
	c.totals = &t
	s.mu.Unlock()
	return t
}

// jobCache returns j's cache entry; the server's lock must be held.
func (sims *simulations) jobCache(j *Job) *jobCache {
	c := sims.cache[j.Key()]
	if c == nil {
		c = &jobCache{subsets: map[string][]int32{}}
		sims.cache[j.Key()] = c
	}
	return c
}

// notFoundUser is the answer to a per-user call whose ID is not a user row
// of a job of the channel, e.g. the campaign's ID.
func notFoundUser(w http.ResponseWriter, sh *channelShape) {
	writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("%s campaign instance user not found", sh.title), nil)
}
