package keepnettest_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// userWith returns the first user of a job with events of kind.
func userWith(t *testing.T, s *keepnettest.Server, campaignID string, kind keepnettest.EventKind) keepnettest.JobUser {
	t.Helper()
	for u := range s.JobUsers(campaignID, 1) {
		if u.Count(kind) > 0 {
			return u
		}
	}
	t.Fatalf("no user of %s has %s events", campaignID, kind)
	return keepnettest.JobUser{}
}

func TestEventSearchesTakeTheUserRowsIDNotTheCampaigns(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()
	body := func() io.Reader { return nameSearch(1, 50) }

	u := userWith(t, s, acmeInvoice, keepnettest.EventSubmitted)
	r, err := c.PostPhishingSimulatorCampaignJobReportSearchEmailSubmittedIdWithBodyWithResponse(ctx, u.ResourceID, "application/json", body())
	if err != nil {
		t.Fatal(err)
	}
	rows := decodePage(t, r.StatusCode(), r.Body).Data.Results
	if len(rows) != u.Count(keepnettest.EventSubmitted) {
		t.Fatalf("%d submitted events, want %d", len(rows), u.Count(keepnettest.EventSubmitted))
	}
	for _, row := range rows {
		data := str(row, "submittedData")
		if !strings.Contains(data, "********") || strings.Contains(data, u.Email) {
			t.Errorf("submittedData %q is not masked", data)
		}
		if !dotNetDate.MatchString(str(row, "submittedTime")) || !displaySeconds.MatchString(str(row, "submittedTimeToLocalUser")) {
			t.Errorf("submitted event dates %v", row)
		}
	}

	for _, wrong := range []string{acmeInvoice, keepnettest.PhishingAcmeTestID, u.ResourceID + "0", "jr"} {
		r, err := c.PostPhishingSimulatorCampaignJobReportSearchEmailSubmittedIdWithBodyWithResponse(ctx, wrong, "application/json", body())
		if err != nil || r.StatusCode() != 404 || !strings.Contains(string(r.Body), "Phishing campaign instance user not found") {
			t.Errorf("events of %q: %v, status %d body %s; want 404 naming the instance user", wrong, err, r.StatusCode(), r.Body)
		}
	}
	// A row of another channel or company is no user of this one.
	sms := userWith(t, s, keepnettest.SmishingAcmeParcelID, keepnettest.EventClicked)
	if r := raw(t, s, token(t, s), "POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-clicked/"+sms.ResourceID,
		"application/json", nameSearchJSON(1, 10), both(keepnettest.CompanyAcmeID)...); r.status != 404 {
		t.Errorf("a smishing row on the phishing events: status %d, want 404", r.status)
	}
	globex := userWith(t, s, keepnettest.PhishingGlobexGiftID, keepnettest.EventOpened)
	if r := raw(t, s, token(t, s), "POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-opened/"+globex.ResourceID,
		"application/json", nameSearchJSON(1, 10), both(keepnettest.CompanyAcmeID)...); r.status != 404 {
		t.Errorf("a Globex row under Acme's scope: status %d, want 404", r.status)
	}
}

func TestEveryEventSearchListsTheRowsEvents(t *testing.T) {
	s := newServer(t, keepnettest.WithJobUsers(80))
	tok := token(t, s)
	cases := []struct {
		campaign string
		path     string
		kinds    []keepnettest.EventKind // nil: every event
		member   string                  // a member every row has
	}{
		{acmeInvoice, "/api/phishing-simulator/phishing-campaign-job-report/search-email-opened/", []keepnettest.EventKind{keepnettest.EventOpened}, "openedTime"},
		{acmeInvoice, "/api/phishing-simulator/phishing-campaign-job-report/search-email-clicked/", []keepnettest.EventKind{keepnettest.EventClicked}, "clickedTime"},
		{acmeInvoice, "/api/phishing-simulator/phishing-campaign-job-report/search-email-reported/", []keepnettest.EventKind{keepnettest.EventReported}, "reportedTime"},
		{acmeInvoice, "/api/phishing-simulator/phishing-campaign-job-report/search-email-replied/", []keepnettest.EventKind{keepnettest.EventReplied}, "replyType"},
		{acmeInvoice, "/api/phishing-simulator/phishing-campaign-job-report/search-email-opened-attachment/", []keepnettest.EventKind{keepnettest.EventAttachmentOpened}, "openedTime"},
		{acmeInvoice, "/api/phishing-simulator/phishing-campaign-job-report/search-mfa-submitted/", []keepnettest.EventKind{keepnettest.EventMFASubmitted}, "submittedData"},
		{keepnettest.SmishingAcmeParcelID, "/api/smishing-simulator/smishing-campaign-job-report/search-sms-all/", nil, "smishingDataType"},
		{keepnettest.SmishingAcmeParcelID, "/api/smishing-simulator/smishing-campaign-job-report/search-sms-clicked/", []keepnettest.EventKind{keepnettest.EventClicked}, "clickedTime"},
		{keepnettest.SmishingAcmeParcelID, "/api/smishing-simulator/smishing-campaign-job-report/search-sms-submitted/", []keepnettest.EventKind{keepnettest.EventSubmitted}, "submittedData"},
		{keepnettest.QuishingAcmeParkingID, "/api/quishing-simulator/quishing-campaign-job-report/search-all/", nil, "quishingDataType"},
		{keepnettest.QuishingAcmeParkingID, "/api/quishing-simulator/quishing-campaign-job-report/search-email-opened/", []keepnettest.EventKind{keepnettest.EventOpened}, "totalRowCount"},
		{keepnettest.QuishingAcmeParkingID, "/api/quishing-simulator/quishing-campaign-job-report/search-email-reported/", []keepnettest.EventKind{keepnettest.EventReported}, "reportedTime"},
	}
	for _, c := range cases {
		kind := keepnettest.EventClicked
		if c.kinds != nil {
			kind = c.kinds[0]
		}
		u := userWith(t, s, c.campaign, kind)
		want := 0
		for _, e := range u.Events {
			if c.kinds == nil || e.Kind == c.kinds[0] {
				want++
			}
		}
		r := raw(t, s, tok, "POST", c.path+u.ResourceID, "application/json", nameSearchJSON(1, 50), both(keepnettest.CompanyAcmeID)...)
		rows := decodePage(t, r.status, []byte(r.body)).Data.Results
		if len(rows) != want || want == 0 {
			t.Errorf("%s: %d rows, want %d", c.path, len(rows), want)
		}
		for _, row := range rows {
			if _, ok := row[c.member]; !ok {
				t.Errorf("%s: row %v lacks %s", c.path, row, c.member)
			}
		}
	}
}

func TestScannerEventsAreMarked(t *testing.T) {
	s := newServer(t, keepnettest.WithJobUsers(200))
	var bot, reclassified keepnettest.JobUser
	for u := range s.JobUsers(acmeInvoice, 1) {
		switch {
		case u.Bot() && u.ActivityType == keepnettest.ActivitySandbox && bot.ResourceID == "":
			bot = u
		case u.Bot() && u.ActivityType == keepnettest.ActivityHuman && reclassified.ResourceID == "":
			reclassified = u
		}
	}
	if bot.ResourceID == "" || reclassified.ResourceID == "" {
		t.Fatalf("the job lacks a scanner (%q) or scanner activity an administrator marked human (%q)", bot.ResourceID, reclassified.ResourceID)
	}
	clicks := func(u keepnettest.JobUser) []map[string]any {
		r := raw(t, s, token(t, s), "POST", "/api/phishing-simulator/phishing-campaign-job-report/search-email-clicked/"+u.ResourceID,
			"application/json", nameSearchJSON(1, 50), both(keepnettest.CompanyAcmeID)...)
		rows := decodePage(t, r.status, []byte(r.body)).Data.Results
		if len(rows) == 0 {
			t.Fatalf("%s clicked nothing", u.ResourceID)
		}
		return rows
	}
	for _, row := range clicks(bot) {
		if str(row, "activityType") != keepnettest.ActivitySandbox || str(row, "systemActivityType") != keepnettest.ActivitySandbox ||
			num(row, "sandBoxType") != 1 || row["isExcluded"] != true || row["isChangedActivity"] != false {
			t.Errorf("scanner click %v is not marked as a sandbox's", row)
		}
	}
	for _, row := range clicks(reclassified) {
		if str(row, "activityType") != keepnettest.ActivityHuman || str(row, "systemActivityType") != keepnettest.ActivitySandbox ||
			row["isChangedActivity"] != true || row["isExcluded"] != false {
			t.Errorf("reclassified click %v: want activity Human, system Sandbox, changed, not excluded", row)
		}
	}
}

func TestSmishingAndQuishingShareTheFlowWithTheirOwnShapes(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	c := scoped(t, s, keepnettest.CompanyAcmeID)

	jr, err := c.PostSmishingSimulatorSmishingCampaignJobReportSearchWithResponse(ctx,
		gen.PostSmishingSimulatorSmishingCampaignJobReportSearchJSONRequestBody{PageNumber: ptr(int32(1)), PageSize: ptr(int32(10)),
			OrderBy: ptr("Name"), Ascending: ptr(false), Filter: restSearch(1, 10).Filter})
	if err != nil {
		t.Fatal(err)
	}
	jobs := decodePage(t, jr.StatusCode(), jr.Body).Data.Results
	if len(jobs) != 1 || str(jobs[0], "smishingCampaignResourceId") != keepnettest.SmishingAcmeParcelID ||
		num(jobs[0], "smsDeliveredUserCount") < 0 || str(jobs[0], "smsDelivery") == "" {
		t.Errorf("smishing jobs %v, want one row naming smishingCampaignResourceId with SMS delivery", jobs)
	}
	ur, err := c.PostSmishingSimulatorSmishingCampaignJobReportSearchInstanceGroupWithResponse(ctx, "All", keepnettest.SmishingAcmeParcelID, 1,
		restSearch(1, 50))
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range decodePage(t, ur.StatusCode(), ur.Body).Data.Results {
		for _, absent := range []string{"openedCount", "attachmentOpenedCount", "systemActivityType", "phishingScenarioName", "targetGroups"} {
			if _, ok := row[absent]; ok {
				t.Errorf("smishing row has %s: %v", absent, row)
			}
		}
		if str(row, "smishingScenarioName") == "" || str(row, "phoneNumber") == "" {
			t.Errorf("smishing row without scenario or phone: %v", row)
		}
	}
	for _, st := range []string{"Opened", "AttachmentOpened", "Replied", "Submitted"} {
		r, err := c.PostSmishingSimulatorSmishingCampaignJobReportSearchInstanceGroupWithResponse(ctx, st, keepnettest.SmishingAcmeParcelID, 1,
			restSearch(1, 50))
		if err != nil || r.StatusCode() != 400 {
			t.Errorf("smishing search type %s: %v, status %d; want 400", st, err, r.StatusCode())
		}
	}

	qr, err := c.PostQuishingSimulatorQuishingCampaignJobReportSearchInstanceGroupWithResponse(ctx, "All", keepnettest.QuishingAcmeParkingID, 1,
		restSearch(1, 50))
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range decodePage(t, qr.StatusCode(), qr.Body).Data.Results {
		for key := range row {
			if strings.HasSuffix(key, "ToLocalUser") || key == "attachmentOpenedCount" {
				t.Errorf("quishing row has %s: %v", key, row)
			}
		}
		if str(row, "quishingScenarioName") == "" {
			t.Errorf("quishing row without quishingScenarioName: %v", row)
		}
	}
	sum, err := c.GetQuishingSimulatorQuishingCampaignJobReportSummaryInstanceGroupWithResponse(ctx, keepnettest.QuishingAcmeParkingID, 1)
	if err != nil || sum.JSON200 == nil || sum.JSON200.Data == nil || *sum.JSON200.Data.PhishingCampaignResourceId != keepnettest.QuishingAcmeParkingID {
		t.Errorf("quishing summary: %v, status %d, body %s", err, sum.StatusCode(), sum.Body)
	}
}

func TestExportsAnswerCSVNotJSON(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()
	all := 0
	for range s.JobUsers(acmeInvoice, 1) {
		all++
	}

	exp := func(allPages bool) io.Reader {
		return strings.NewReader(fmt.Sprintf(`{"ascending":false,"exportType":"CSV","filter":{"Condition":"AND","SearchInputTextValue":""},"orderBy":"Name","pageNumber":1,"pageSize":10,"reportAllPages":%t}`, allPages))
	}
	r, err := c.PostPhishingSimulatorCampaignJobReportSearchExportInstanceGroupWithBodyWithResponse(ctx, "All", acmeInvoice, 1, "application/json", exp(true))
	if err != nil {
		t.Fatal(err)
	}
	records := readCSV(t, r.StatusCode(), r.HTTPResponse.Header.Get("Content-Type"), r.Body)
	if len(records) != all+1 || records[0][0] != "First Name" {
		t.Errorf("users export: %d records, want the header and %d users", len(records), all)
	}
	r, _ = c.PostPhishingSimulatorCampaignJobReportSearchExportInstanceGroupWithBodyWithResponse(ctx, "All", acmeInvoice, 1, "application/json", exp(false))
	if records := readCSV(t, r.StatusCode(), r.HTTPResponse.Header.Get("Content-Type"), r.Body); len(records) != 11 {
		t.Errorf("one page exported: %d records, want the header and 10", len(records))
	}
	r, err = c.PostPhishingSimulatorCampaignJobReportSearchExportInstanceGroupWithBodyWithResponse(ctx, "Submitted", acmeInvoice, 1, "application/json", exp(false))
	if err != nil || r.StatusCode() != 400 {
		t.Errorf("Submitted export: %v, status %d; want 400", err, r.StatusCode())
	}

	jobs, err := c.PostPhishingSimulatorPhishingCampaignJobReportSearchExportWithBodyWithResponse(ctx, "application/json", exp(false))
	if err != nil {
		t.Fatal(err)
	}
	if records := readCSV(t, jobs.StatusCode(), jobs.HTTPResponse.Header.Get("Content-Type"), jobs.Body); len(records) != 4 {
		t.Errorf("job list export: %d records, want the header and Acme's 3 jobs", len(records))
	}

	clicks := func(excludeBots *bool) int {
		r, err := c.GetPhishingSimulatorPhishingCampaignJobReportExportInstanceGroupWithResponse(ctx, acmeInvoice, 1,
			&gen.GetPhishingSimulatorPhishingCampaignJobReportExportInstanceGroupParams{ExcludeBotActivity: excludeBots})
		if err != nil {
			t.Fatal(err)
		}
		records := readCSV(t, r.StatusCode(), r.HTTPResponse.Header.Get("Content-Type"), r.Body)
		col, n := -1, 0
		for i, h := range records[0] {
			if h == "Clicked" {
				col = i
			}
		}
		for _, rec := range records[1:] {
			if rec[col] != "0" {
				n++
			}
		}
		return n
	}
	tot, _ := s.JobTotals(acmeInvoice, 1)
	if with, without := clicks(ptr(false)), clicks(nil); with != tot.Clicked || without >= with {
		t.Errorf("clickers in the report: %d with scanners (want %d), %d without (want fewer)", with, tot.Clicked, without)
	}
}

// readCSV parses an export, which starts with a byte order mark.
func readCSV(t *testing.T, status int, contentType string, body []byte) [][]string {
	t.Helper()
	if status != 200 || !strings.HasPrefix(contentType, "text/csv") {
		t.Fatalf("status %d, content type %q, body %.200s", status, contentType, body)
	}
	text, ok := strings.CutPrefix(string(body), "\ufeff")
	if !ok {
		t.Errorf("export does not start with a byte order mark")
	}
	records, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("export is not CSV: %v\n%s", err, text)
	}
	return records
}
