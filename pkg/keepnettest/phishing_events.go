package keepnettest

import (
	"net/http"
	"slices"
	"time"
)

// eventsSearch is one per-user event search. Its path takes the user's row
// resourceId from the job users search; any other ID (the campaign's, a
// row of another channel or company) is 404 "… campaign instance user not
// found", as the service answers the campaign's.
//
// The spec describes the answer as one event object; the fake answers a
// search page of events (data.results), which is what a search body and a
// user with several opens call for, and what quishing's views, each with a
// totalRowCount, suggest. Neither is verified against the live service.
func (s *Server) eventsSearch(sh *channelShape, er eventRoute) http.HandlerFunc {
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
		j, i, found := s.world.jobOfRow(r.PathValue("id"))
		found = found && j.Channel == sh.channel && s.world.inScope(scope, j.CompanyID)
		var format string
		if found {
			format = s.world.dateFormat(j.CompanyID)
		}
		s.mu.Unlock()
		if !found {
			notFoundUser(w, sh)
			return
		}
		var events []JobEvent
		for _, e := range s.world.jobUser(j, i).Events {
			if er.kinds == nil || slices.Contains(er.kinds, e.Kind) {
				events = append(events, e)
			}
		}
		win := q.window(len(events), s.cfg.pageSizeCap)
		rows := make([]map[string]any, 0, win.end-win.start)
		for _, e := range pageOf(events, win) {
			rows = append(rows, eventRow(sh, er.view, format, e, len(events)))
		}
		writeData(w, http.StatusOK, win.data(rows))
	}
}

// eventRow renders e in the view's shape.
func eventRow(sh *channelShape, view eventView, format string, e JobEvent, total int) map[string]any {
	row := map[string]any{}
	when := func(name string, t time.Time) {
		row[name] = dotNet(t)
		if sh.localTwins {
			row[name+"ToLocalUser"] = display(format, t, true)
		}
	}
	tracking := func() {
		row["browserName"], row["userAgent"] = e.BrowserName, e.UserAgent
		row["userGeolocation"], row["userIpAddressList"] = e.Geolocation, e.Address
	}
	activity := func() {
		row["resourceId"] = e.ID
		row["isChangedActivity"] = e.Changed
		if e.Bot {
			row["systemSandBoxType"] = 1
			row["systemActivityType"] = ActivitySandbox
			row["activityType"] = ActivitySandbox
			if e.Changed {
				row["activityType"] = ActivityHuman
			} else {
				row["sandBoxType"] = 1
			}
		} else {
			row["activityType"], row["systemActivityType"] = ActivityHuman, ActivityHuman
		}
	}
	// isExcluded: scanner activity the system keeps out of the statistics
	// (the fake's reading of the flag).
	excluded := e.Bot && !e.Changed
	switch view {
	case viewOpened:
		activity()
		when("openedTime", e.Time)
		tracking()
		row["isExcluded"] = excluded
	case viewClicked:
		activity()
		when("clickedTime", e.Time)
		tracking()
		row["isExcluded"] = excluded
	case viewSubmitted:
		when("submittedTime", e.Time)
		row["submittedData"] = e.SubmittedData
		tracking()
		row["isExcluded"] = excluded
	case viewReported:
		when("reportedTime", e.Time)
		tracking()
	case viewReplied:
		row["resourceId"] = e.ID
		row["subject"] = "RE: Invoice overdue"
		row["from"] = "target@keepnettest.example"
		row["to"] = "billing@keepnettest.example"
		row["content"] = "Which invoice is this about?"
		row["replyType"] = e.ReplyType
		row["replyTypeId"] = 1
		if e.ReplyType == "OutOfOffice" {
			row["replyTypeId"] = 2
			row["content"] = "I am out of the office until Monday."
		}
		row["replySent"] = dotNet(e.Time)
		row["repliedTimeToLocalUser"] = display(format, e.Time, true)
	case viewAll:
		row["actionTime"] = dotNet(e.Time)
		if sh.localTwins {
			row["actionTimeToLocalUser"] = display(format, e.Time, true)
		}
		row[sh.allDataType] = eventDataType(e.Kind)
		if e.SubmittedData != "" {
			row["submittedData"] = e.SubmittedData
		}
		if e.Bot {
			row["sandBoxType"] = 1
		}
		tracking()
		row["isExcluded"] = excluded
	}
	if sh.rowCounts && view != viewAll {
		row["totalRowCount"] = total
	}
	return row
}

// eventDataType names an event kind in the all-events views (the fake's
// choice: the values are not documented).
func eventDataType(k EventKind) string {
	switch k {
	case EventOpened:
		return "Opened"
	case EventClicked:
		return "Clicked"
	case EventSubmitted:
		return "Submitted"
	case EventMFASubmitted:
		return "MFA Submitted"
	case EventReported:
		return "Reported"
	}
	return string(k)
}
