package keepnettest

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
)

// The exports answer with a file, not JSON: CSV bytes whatever exportType
// asks for (the fake does not write Excel), starting with a UTF-8 byte
// order mark as .NET's CSV writers do (the fake's choice), labelled
// text/csv with a Content-Disposition attachment. A hollow rule on an
// export route sends its HTML page, empty body or JSON envelope in place of
// the file.

// jobsExport is the job list as a file: the asked page of the job search,
// or every job with reportAllPages.
func (s *Server) jobsExport(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, jobs, ok := s.readJobsSearch(w, r, sh)
		if !ok {
			return
		}
		if !allPages(q) {
			win := q.window(len(jobs), s.cfg.pageSizeCap)
			jobs = pageOf(jobs, win)
		}
		records := [][]string{{"Campaign Name", "Instance Group", "Start Date", "Status", "Target Users", "Delivered",
			"Opened", "Clicked", "Submitted", "Attachment Opened", "No Response"}}
		for _, j := range jobs {
			t := s.jobTotals(j)
			s.mu.Lock()
			start := display(s.world.dateFormat(j.CompanyID), j.StartDate, false)
			s.mu.Unlock()
			records = append(records, []string{j.Name, strconv.Itoa(j.InstanceGroup), start, j.Status,
				strconv.Itoa(t.Targets), strconv.Itoa(t.Delivered), strconv.Itoa(t.Opened), strconv.Itoa(t.Clicked),
				strconv.Itoa(t.Submitted), strconv.Itoa(t.AttachmentOpened), strconv.Itoa(t.NoResponse)})
		}
		writeFile(w, sh.title+"CampaignJobs.csv", records)
	}
}

// jobUsersExport is a users search as a file, with the search's own
// refusals (Submitted is 400 here too).
func (s *Server) jobUsersExport(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j, searchType, q, ok := s.readJobUsersSearch(w, r, sh)
		if !ok {
			return
		}
		idx, _ := s.jobSubset(j, searchType, q)
		start, end := 0, subsetLen(j, idx)
		if !allPages(q) {
			win := q.window(end, s.cfg.pageSizeCap)
			start, end = win.start, win.end
		}
		records := [][]string{userExportHeader(sh)}
		for n := start; n < end; n++ {
			records = append(records, userExportRecord(sh, s.world.jobUser(j, subsetAt(idx, n)), false))
		}
		writeFile(w, sh.title+"CampaignUsers-"+searchType+".csv", records)
	}
}

// jobExport is the job's detailed report, every user. excludeBotActivity
// (true unless the query says false) blanks the counts of users whose
// activity is a scanner's.
func (s *Server) jobExport(sh *channelShape) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j, ok := s.pathJob(w, r, sh)
		if !ok {
			return
		}
		exclude := true
		if v := r.URL.Query().Get("excludeBotActivity"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.",
					[]string{"The value '" + v + "' is not valid for excludeBotActivity."})
				return
			}
			exclude = b
		}
		records := [][]string{userExportHeader(sh)}
		for i := range j.Users {
			records = append(records, userExportRecord(sh, s.world.jobUser(j, i), exclude))
		}
		writeFile(w, sh.title+"CampaignReport.csv", records)
	}
}

// allPages reports the export body's reportAllPages.
func allPages(q searchRequest) bool {
	v, ok := q.fields["reportallpages"]
	return ok && string(bytes.TrimSpace(v)) == "true"
}

var exportCounts = []struct {
	kind   EventKind
	header string
}{
	{EventOpened, "Opened"}, {EventClicked, "Clicked"}, {EventSubmitted, "Submitted"},
	{EventAttachmentOpened, "Attachment Opened"}, {EventReported, "Reported"},
	{EventReplied, "Replied"}, {EventMFASubmitted, "MFA Submitted"},
}

func userExportHeader(sh *channelShape) []string {
	h := []string{"First Name", "Last Name", "Email", "Department", "Status", "Delivery", "Activity Type"}
	for _, c := range exportCounts {
		if sh.has(c.kind) {
			h = append(h, c.header)
		}
	}
	return h
}

// userExportRecord is u's line of an export; excludeBots blanks the
// counts of a user whose activity is a scanner's.
func userExportRecord(sh *channelShape, u JobUser, excludeBots bool) []string {
	delivery := "Delivered"
	if !u.Delivered {
		delivery = "Not Delivered"
	}
	rec := []string{u.FirstName, u.LastName, u.Email, u.Department, u.Status, delivery, u.ActivityType}
	bot := excludeBots && u.ActivityType == ActivitySandbox
	for _, c := range exportCounts {
		if !sh.has(c.kind) {
			continue
		}
		n := u.Count(c.kind)
		if bot {
			n = 0
		}
		rec = append(rec, strconv.Itoa(n))
	}
	return rec
}

// writeFile sends records as a CSV attachment, or the hollow answer the
// route's rule asks for.
func writeFile(w http.ResponseWriter, name string, records [][]string) {
	contentType := "text/csv; charset=utf-8"
	if rec, ok := w.(*statusRecorder); ok && rec.shape != nil && rec.shape.hollow {
		switch rec.shape.srv.takeHollow(rec.shape.route) {
		case HollowHTML:
			writeHollowHTML(w, http.StatusOK)
			return
		case HollowEmptyBody:
			sendJSON(w, http.StatusOK, contentType, nil)
			return
		case HollowDataNull, HollowResultsNull:
			sendJSON(w, http.StatusOK, jsonContentType, []byte(`{"data":null,"status":"SUCCESS"}`))
			return
		case HollowTextPlainJSON:
			contentType = "text/plain; charset=utf-8"
		}
	}
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	_ = cw.WriteAll(records) // a bytes.Buffer does not fail
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	sendJSON(w, http.StatusOK, contentType, b.Bytes())
}
