package keepnettest

import (
	"encoding/json"
	"net/http"
	"time"
)

// The activity-users searches take a window (startDate, endDate) over a
// whole company and page its activity: the only way the API filters by
// time. Their rows carry no user, enrollment or campaign ID. A row belongs
// to the window when its enrollment or job started in it (the fake's
// reading). With groupByUser the rows of one email are summed into one.

// readWindow reads the activity search body: the search fields and the
// window, whose bounds may be missing (no bound) but not malformed.
func readWindow(w http.ResponseWriter, r *http.Request) (searchRequest, time.Time, time.Time, bool, bool) {
	q, ok := readSearch(w, r)
	if !ok {
		return q, time.Time{}, time.Time{}, false, false
	}
	var bounds [2]time.Time
	for n, key := range []string{"startdate", "enddate"} {
		v, ok := q.fields[key]
		if !ok || isNull(v) {
			continue
		}
		var text string
		t, err := time.Time{}, json.Unmarshal(v, &text)
		if err == nil {
			t, err = parseWindowDate(text)
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.",
				[]string{"The " + key + " field is not a valid date."})
			return q, time.Time{}, time.Time{}, false, false
		}
		bounds[n] = t
	}
	var group bool
	if v, ok := q.fields["groupbyuser"]; ok && !isNull(v) {
		_ = json.Unmarshal(v, &group) // the spec check types it; a wrong type reads as false
	}
	return q, bounds[0], bounds[1], group, true
}

func parseWindowDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, s) // for its error
}

func inWindow(t, start, end time.Time) bool {
	return (start.IsZero() || !t.Before(start)) && (end.IsZero() || !t.After(end))
}

// activityRow is one row of either search before grouping.
type activityRow struct {
	email string
	row   map[string]any
	// counts are summed when rows are grouped by user.
	counts map[string]int
}

// groupRows sums rows of one email into the first, in first-seen order.
func groupRows(rows []activityRow, keep ...string) []map[string]any {
	byEmail := map[string]int{}
	var out []activityRow
	for _, r := range rows {
		n, seen := byEmail[r.email]
		if !seen {
			byEmail[r.email] = len(out)
			row := map[string]any{}
			for _, k := range keep {
				if v, ok := r.row[k]; ok {
					row[k] = v
				}
			}
			out = append(out, activityRow{email: r.email, row: row, counts: map[string]int{}})
			n = len(out) - 1
		}
		for k, v := range r.counts {
			out[n].counts[k] += v
		}
	}
	return finishRows(out)
}

func finishRows(rows []activityRow) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		for k, v := range r.counts {
			r.row[k] = v
		}
		r.row["totalRowCount"] = len(rows)
		out[i] = r.row
	}
	return out
}

// handlePhishingActivityUsers pages the phishing activity of the jobs
// that started in the window, one row per user and job.
func (s *Server) handlePhishingActivityUsers(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.scope(w, r, false)
	if !ok {
		return
	}
	q, start, end, group, ok := readWindow(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var jobs []*Job
	for _, j := range s.world.sims.jobs {
		if j.Channel == ChannelPhishing && s.world.inScope(scope, j.CompanyID) && inWindow(j.StartDate, start, end) {
			jobs = append(jobs, j)
		}
	}
	s.mu.Unlock()
	var rows []activityRow
	for _, j := range jobs {
		c, _ := s.Campaign(j.CampaignID)
		for i := range j.Users {
			u := s.world.jobUser(j, i)
			if !q.matches(u.FirstName+" "+u.LastName) && !q.matches(u.Email) {
				continue
			}
			rows = append(rows, activityRow{email: u.Email,
				row: map[string]any{"firstName": u.FirstName, "lastName": u.LastName, "email": u.Email,
					"campaignName": j.Name, "scenarioName": c.Scenario, "difficulty": "Medium",
					"categoryName": "Finance", "createTime": dotNet(j.StartDate)},
				counts: map[string]int{"opened": u.Count(EventOpened), "clicked": u.Count(EventClicked),
					"replied": u.Count(EventReplied), "attachmentOpened": u.Count(EventAttachmentOpened),
					"dataSubmitted": u.Count(EventSubmitted), "reported": u.Count(EventReported)}})
		}
	}
	var out []map[string]any
	if group {
		out = groupRows(rows, "firstName", "lastName", "email")
	} else {
		out = finishRows(rows)
	}
	win := q.window(len(out), s.cfg.pageSizeCap)
	writeData(w, http.StatusOK, win.data(pageOf(out, win)))
}

// handleTrainingActivityUsers pages the training activity of the
// enrollments (of every type) that started in the window, one row per user
// and enrollment.
func (s *Server) handleTrainingActivityUsers(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.scope(w, r, false)
	if !ok {
		return
	}
	q, start, end, group, ok := readWindow(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var enrollments []Enrollment
	for _, e := range s.world.enrollments {
		if e.Status != StatusArchived && s.world.inScope(scope, e.CompanyID) && inWindow(e.StartDate, start, end) {
			enrollments = append(enrollments, cloneEnrollment(e))
		}
	}
	s.mu.Unlock()
	var rows []activityRow
	for _, e := range enrollments {
		for i := range e.Users {
			t := s.world.trainingUser(&e, s.world.user(&e, i))
			if !q.matches(t.FirstName+" "+t.LastName) && !q.matches(t.Email) {
				continue
			}
			row := map[string]any{"firstName": t.FirstName, "lastName": t.LastName, "email": t.Email,
				"enrollmentName": e.Name, "contentType": e.Type, "trainingStatus": t.Status,
				"enrolledOn": dotNet(e.StartDate), "createTime": dotNet(e.CreateTime)}
			counts := map[string]int{"openedTrainingEmail": 0, "clickedTrainingEmail": 0, "completedCount": 0, "notCompletedCount": 1}
			if t.Status != UserNotResponded {
				counts["openedTrainingEmail"] = 1
				row["lastOpenedDate"] = dotNet(t.LastInteraction)
			}
			if t.CurrentStep != "" {
				counts["clickedTrainingEmail"] = 1
				started := t.LastInteraction
				if !t.FirstCompletion.IsZero() && t.FirstCompletion.Before(started) {
					started = t.FirstCompletion
				}
				row["startedOn"] = dotNet(started.Add(-20 * time.Minute))
			}
			if !t.FirstCompletion.IsZero() {
				row["completedOn"] = dotNet(t.FirstCompletion)
				counts["completedCount"], counts["notCompletedCount"] = 1, 0
			}
			if t.HasExamScore {
				row["examScore"] = t.ExamScore
			}
			rows = append(rows, activityRow{email: t.Email, row: row, counts: counts})
		}
	}
	var out []map[string]any
	if group {
		out = groupRows(rows, "firstName", "lastName", "email")
	} else {
		for _, r := range rows {
			delete(r.counts, "completedCount")
			delete(r.counts, "notCompletedCount")
		}
		out = finishRows(rows)
	}
	win := q.window(len(out), s.cfg.pageSizeCap)
	writeData(w, http.StatusOK, win.data(pageOf(out, win)))
}
