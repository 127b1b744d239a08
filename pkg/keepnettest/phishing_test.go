package keepnettest_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func TestCampaignSearchListsTestCampaignsWithoutSayingSo(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()
	r, err := c.PostPhishingSimulatorPhishingCampaignSearchWithBodyWithResponse(ctx, "application/json", nameSearch(1, 50))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, row := range decodePage(t, r.StatusCode(), r.Body).Data.Results {
		ids = append(ids, str(row, "resourceId"))
		if _, ok := row["excludeFromReports"]; ok {
			t.Errorf("campaign row %v carries excludeFromReports; only the detail and the job summary do", row)
		}
	}
	if want := []string{keepnettest.PhishingAcmeInvoiceID, keepnettest.PhishingAcmeTestID}; !slices.Equal(ids, want) {
		t.Errorf("Acme's phishing campaigns %v, want %v (the test campaign listed too)", ids, want)
	}

	for id, want := range map[string]bool{keepnettest.PhishingAcmeInvoiceID: false, keepnettest.PhishingAcmeTestID: true} {
		d, err := c.GetPhishingSimulatorPhishingCampaignResourceIdWithResponse(ctx, id)
		if err != nil || d.JSON200 == nil || d.JSON200.Data == nil || d.JSON200.Data.ExcludeFromReports == nil {
			t.Fatalf("detail of %s: %v, status %d, body %s", id, err, d.StatusCode(), d.Body)
		}
		if got := *d.JSON200.Data.ExcludeFromReports; got != want {
			t.Errorf("detail of %s: excludeFromReports %v, want %v", id, got, want)
		}
		sum, err := c.GetPhishingSimulatorPhishingCampaignJobReportSummaryInstanceGroupWithResponse(ctx, id, 1)
		if err != nil || sum.JSON200 == nil || sum.JSON200.Data == nil || sum.JSON200.Data.Settings == nil {
			t.Fatalf("summary of %s: %v, status %d, body %s", id, err, sum.StatusCode(), sum.Body)
		}
		if got := *sum.JSON200.Data.Settings.ExcludeFromReports; got != want {
			t.Errorf("summary of %s: settings.excludeFromReports %v, want %v", id, got, want)
		}
	}
	if r := raw(t, s, token(t, s), "GET", "/api/phishing-simulator/phishing-campaign/"+keepnettest.PhishingGlobexGiftID, "", "",
		both(keepnettest.CompanyAcmeID)...); r.status != 404 {
		t.Errorf("Globex's campaign under Acme's scope: status %d, want 404", r.status)
	}
}

func TestJobSearchRefusesCreateTimeAndListsEveryRun(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()
	r, err := c.PostPhishingSimulatorPhishingCampaignJobReportSearchWithBodyWithResponse(ctx, "application/json", orderedSearch(1, 50, "CreateTime"))
	if err != nil || r.StatusCode() != 400 || !strings.Contains(string(r.Body), "INPUT_ERROR") {
		t.Fatalf("orderBy CreateTime: %v, status %d, body %s; want 400 INPUT_ERROR", err, r.StatusCode(), r.Body)
	}

	r, err = c.PostPhishingSimulatorPhishingCampaignJobReportSearchWithBodyWithResponse(ctx, "application/json", nameSearch(1, 50))
	if err != nil {
		t.Fatal(err)
	}
	rows := decodePage(t, r.StatusCode(), r.Body).Data.Results
	jobs := s.Jobs(keepnettest.CompanyAcmeID, keepnettest.ChannelPhishing)
	if len(rows) != len(jobs) || len(jobs) != 3 {
		t.Fatalf("%d job rows, %d jobs; want Acme's 3 (two runs of the invoice campaign, one test)", len(rows), len(jobs))
	}
	for i, j := range jobs {
		row := rows[i]
		if str(row, "phishingCampaignResourceId") != j.CampaignID || num(row, "instanceGroup") != j.InstanceGroup {
			t.Errorf("row %d is %s/%v, want %s", i, row["phishingCampaignResourceId"], row["instanceGroup"], j.Key())
		}
		tot, _ := s.JobTotals(j.CampaignID, j.InstanceGroup)
		for key, want := range map[string]int{"totalTargetUserCount": tot.Targets, "totalOpenedCount": tot.Opened,
			"totalClickedCount": tot.Clicked, "totalSubmittedCount": tot.Submitted, "totalNoResponseCount": tot.NoResponse,
			"emailDeliveredUserCount": tot.Delivered, "totalSubmittedMFACount": tot.MFASubmitted} {
			if got := num(row, key); got != want {
				t.Errorf("%s: %s %d, want %d", j.Key(), key, got, want)
			}
		}
		if !displayMinutes.MatchString(str(row, "startDate")) || !dotNetDate.MatchString(str(row, "createdDate")) {
			t.Errorf("%s: startDate %q createdDate %q, want display and .NET dates", j.Key(), row["startDate"], row["createdDate"])
		}
	}
	if jobs[0].CampaignID != acmeInvoice || jobs[1].CampaignID != acmeInvoice || jobs[1].InstanceGroup != 2 {
		t.Errorf("jobs %+v: want the invoice campaign's instance groups 1 and 2 first", jobs)
	}

	unscoped := api(t, s)
	r, err = unscoped.PostPhishingSimulatorPhishingCampaignJobReportSearchWithBodyWithResponse(ctx, "application/json", nameSearch(1, 50))
	if err != nil {
		t.Fatal(err)
	}
	companies := map[string]bool{}
	for _, row := range decodePage(t, r.StatusCode(), r.Body).Data.Results {
		if j, ok := s.Job(str(row, "phishingCampaignResourceId"), num(row, "instanceGroup")); ok {
			companies[j.CompanyID] = true
		}
	}
	if !companies[keepnettest.CompanyAcmeID] || !companies[keepnettest.CompanyGlobexID] {
		t.Errorf("unscoped job search covers %v, want Acme's and Globex's jobs mixed", companies)
	}
}

func TestJobUsersSearchTypesAreSubsetsOfAllAndSubmittedIsRefused(t *testing.T) {
	s := newServer(t, keepnettest.WithJobUsers(120))
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	all, first := jobUsers(t, c, acmeInvoice, 1, "All")
	if len(all) != 120 || first.Data.TotalNumberOfRecords != 120 {
		t.Fatalf("All: %d rows, %d records; want 120", len(all), first.Data.TotalNumberOfRecords)
	}
	byID := map[string]map[string]any{}
	for _, row := range all {
		byID[str(row, "resourceId")] = row
	}
	if len(byID) != 120 {
		t.Fatalf("%d distinct resourceIds in 120 rows", len(byID))
	}
	counts := map[string]string{"Opened": "openedCount", "Clicked": "clickedCount", "Reported": "reportedCount",
		"AttachmentOpened": "attachmentOpenedCount"}
	in := map[string]func(map[string]any) bool{
		"Replied": func(r map[string]any) bool { return str(r, "replyType") != "" },
		"NoResponse": func(r map[string]any) bool {
			return str(r, "emailDelivery") == "Delivered" && num(r, "openedCount") == 0 && num(r, "clickedCount") == 0 &&
				num(r, "submittedCount") == 0 && num(r, "attachmentOpenedCount") == 0 && num(r, "reportedCount") == 0 &&
				num(r, "mfaSubmittedCount") == 0 && str(r, "replyType") == ""
		},
	}
	for st, key := range counts {
		in[st] = func(r map[string]any) bool { return num(r, key) > 0 }
	}
	for st, member := range in {
		rows, _ := jobUsers(t, c, acmeInvoice, 1, st)
		var want, got []string
		for _, r := range all {
			if member(r) {
				want = append(want, str(r, "resourceId"))
			}
		}
		for _, r := range rows {
			got = append(got, str(r, "resourceId"))
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: %d rows %v, want the %d All rows %v", st, len(got), got, len(want), want)
		}
	}

	for _, st := range []string{"Submitted", "submitted", "Everything"} {
		r, err := c.PostPhishingSimulatorPhishingCampaignJobReportSearchInstanceGroupWithBodyWithResponse(context.Background(), st, acmeInvoice, 1,
			"application/json", nameSearch(1, 10))
		if err != nil || r.StatusCode() != 400 || !strings.Contains(string(r.Body), "INPUT_ERROR") {
			t.Errorf("search type %s: %v, status %d body %s; want 400 INPUT_ERROR", st, err, r.StatusCode(), r.Body)
		}
	}
	if rows, _ := jobUsers(t, c, acmeInvoice, 1, "clicked"); len(rows) == 0 {
		t.Error("search type clicked (lower case) found nobody; the .NET binder ignores case")
	}
	for _, path := range []string{acmeInvoice + "/3", keepnettest.PhishingGlobexGiftID + "/1", keepnettest.SmishingAcmeParcelID + "/1"} {
		r := raw(t, s, token(t, s), "POST", "/api/phishing-simulator/phishing-campaign-job-report/All/search/"+path,
			"application/json", nameSearchJSON(1, 10), both(keepnettest.CompanyAcmeID)...)
		if r.status != 404 {
			t.Errorf("users of job %s under Acme's phishing scope: status %d, want 404", path, r.status)
		}
	}
}

func TestJobUserRowsAreTheWorldsUsersScannersIncluded(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	rows, first := jobUsers(t, c, acmeInvoice, 1, "All")
	tot, _ := s.JobTotals(acmeInvoice, 1)
	if first.Data.TotalSandBoxActivityCount != tot.Sandbox || tot.Sandbox == 0 {
		t.Errorf("totalSandBoxActivityCount %d, want %d (and some)", first.Data.TotalSandBoxActivityCount, tot.Sandbox)
	}
	i, bots := 0, 0
	for u := range s.JobUsers(acmeInvoice, 1) {
		row := rows[i]
		i++
		if str(row, "resourceId") != u.ResourceID || str(row, "email") != u.Email || str(row, "status") != u.Status ||
			str(row, "phishingScenarioName") == "" || str(row, "targetGroups") != u.TargetGroups {
			t.Errorf("row %v, want user %+v", row, u)
		}
		for key, kind := range map[string]keepnettest.EventKind{"openedCount": keepnettest.EventOpened, "clickedCount": keepnettest.EventClicked,
			"submittedCount": keepnettest.EventSubmitted, "reportedCount": keepnettest.EventReported,
			"attachmentOpenedCount": keepnettest.EventAttachmentOpened, "mfaSubmittedCount": keepnettest.EventMFASubmitted} {
			if num(row, key) != u.Count(kind) {
				t.Errorf("%s: %s %d, want %d", u.ResourceID, key, num(row, key), u.Count(kind))
			}
		}
		if last := u.Last(keepnettest.EventClicked); !last.IsZero() {
			if str(row, "lastClickedTime") != last.Format("2006-01-02T15:04:05")+".1234567" || !displaySeconds.MatchString(str(row, "lastClickedTimeToLocalUser")) {
				t.Errorf("%s: lastClickedTime %q / %q, want %s and its display twin", u.ResourceID, row["lastClickedTime"], row["lastClickedTimeToLocalUser"], last)
			}
		} else if _, ok := row["lastClickedTime"]; ok {
			t.Errorf("%s never clicked but has lastClickedTime", u.ResourceID)
		}
		if u.Bot() {
			bots++
			if str(row, "systemActivityType") != keepnettest.ActivitySandbox {
				t.Errorf("scanner row %v lacks systemActivityType Sandbox", row)
			}
			if sent, clicked := u.SentAt, u.Last(keepnettest.EventClicked); clicked.Sub(sent) > 10*time.Second {
				t.Errorf("scanner %s clicked %s after delivery; scanners click within seconds", u.ResourceID, clicked.Sub(sent))
			}
		}
	}
	if i != len(rows) || bots != tot.Sandbox {
		t.Errorf("%d users for %d rows, %d scanners for %d", i, len(rows), bots, tot.Sandbox)
	}
}

func TestJobSummaryCountsTheRows(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyGlobexID)
	rows, _ := jobUsers(t, c, keepnettest.PhishingGlobexGiftID, 1, "All")
	r, err := c.GetPhishingSimulatorPhishingCampaignJobReportSummaryInstanceGroupWithResponse(context.Background(), keepnettest.PhishingGlobexGiftID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Data struct {
			CampaignInfo  map[string]any `json:"campaignInfo"`
			ScenarioStats map[string]any `json:"scenarioStats"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.Body, &sum); err != nil || r.StatusCode() != 200 {
		t.Fatalf("summary: %v, status %d, body %s", err, r.StatusCode(), r.Body)
	}
	users := func(key string) int {
		n := 0
		for _, row := range rows {
			if num(row, key) > 0 {
				n++
			}
		}
		return n
	}
	for stat, want := range map[string]int{"openedEmail": users("openedCount"), "clickedEmail": users("clickedCount"),
		"submittedEmail": users("submittedCount"), "reportedEmail": users("reportedCount"), "mfa": users("mfaSubmittedCount"),
		"attachmentOpenedEmail": users("attachmentOpenedCount")} {
		if got := num(sum.Data.ScenarioStats, stat); got != want {
			t.Errorf("scenarioStats.%s %d, the rows say %d", stat, got, want)
		}
	}
	if got := num(sum.Data.CampaignInfo, "totalTargetUserCount"); got != len(rows) {
		t.Errorf("totalTargetUserCount %d, %d rows", got, len(rows))
	}
}
