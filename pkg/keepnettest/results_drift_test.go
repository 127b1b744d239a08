package keepnettest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// resultCall is one request of the training or simulation results flows.
type resultCall struct {
	route, method, path, body string
	// needed are the arrays the flows read ("data.results"), which drift
	// must keep.
	needed []string
}

// resultCalls covers every JSON route of the results flows, for Acme.
func resultCalls(s *keepnettest.Server) []resultCall {
	const (
		phish = "/api/phishing-simulator/phishing-campaign-job-report/"
		smish = "/api/smishing-simulator/smishing-campaign-job-report/"
		quish = "/api/quishing-simulator/quishing-campaign-job-report/"
	)
	first := func(campaignID string) string {
		for u := range s.JobUsers(campaignID, 1) {
			if len(u.Events) > 2 {
				return u.ResourceID
			}
		}
		return ""
	}
	p, sm, q := first(acmeInvoice), first(keepnettest.SmishingAcmeParcelID), first(keepnettest.QuishingAcmeParkingID)
	search := nameSearchJSON(1, 20)
	results := []string{"data.results"}
	window := `{"startDate":"2025-01-01T00:00:00Z","endDate":"2027-01-01T00:00:00Z","groupByUser":false,"pageNumber":1,"pageSize":20,"orderBy":"Email","ascending":true,"filter":{"condition":"AND","searchInputTextValue":""}}`
	return []resultCall{
		{keepnettest.RouteReportUsersSearch, "POST", "/api/training-reports/" + keepnettest.EnrollmentAcmeTrainingID + "/users/search", searchBody(1, 20, ""), results},
		{keepnettest.RouteReportSummary, "GET", "/api/training-reports/" + keepnettest.EnrollmentAcmeTrainingID + "/summary?trainingType=0", "", nil},
		{keepnettest.RouteTrainingActivityUsers, "POST", "/api/training-reports/activity-users/search", window, results},
		{keepnettest.RoutePhishingActivityUsers, "POST", phish + "activity-users/search", window, results},
		{keepnettest.RoutePhishingCampaignsSearch, "POST", "/api/phishing-simulator/phishing-campaign/search", search, results},
		{keepnettest.RoutePhishingCampaignGet, "GET", "/api/phishing-simulator/phishing-campaign/" + acmeInvoice, "", nil},
		{keepnettest.RoutePhishingJobsSearch, "POST", phish + "search", search, results},
		{keepnettest.RoutePhishingJobSummary, "GET", phish + "summary/" + acmeInvoice + "/1", "", nil},
		{keepnettest.RoutePhishingJobUsers, "POST", phish + "All/search/" + acmeInvoice + "/1", search, results},
		{keepnettest.RoutePhishingEventsOpened, "POST", phish + "search-email-opened/" + p, search, results},
		{keepnettest.RoutePhishingEventsClicked, "POST", phish + "search-email-clicked/" + p, search, results},
		{keepnettest.RoutePhishingEventsSubmitted, "POST", phish + "search-email-submitted/" + p, search, results},
		{keepnettest.RouteSmishingCampaignsSearch, "POST", "/api/smishing-simulator/smishing-campaign/search", search, results},
		{keepnettest.RouteSmishingJobsSearch, "POST", smish + "search", search, results},
		{keepnettest.RouteSmishingJobUsers, "POST", smish + "All/search/" + keepnettest.SmishingAcmeParcelID + "/1", search, results},
		{keepnettest.RouteSmishingEventsAll, "POST", smish + "search-sms-all/" + sm, search, results},
		{keepnettest.RouteQuishingJobsSearch, "POST", quish + "search", search, results},
		{keepnettest.RouteQuishingJobUsers, "POST", quish + "All/search/" + keepnettest.QuishingAcmeParkingID + "/1", search, results},
		{keepnettest.RouteQuishingEventsAll, "POST", quish + "search-all/" + q, search, results},
		{keepnettest.RouteQuishingJobSummary, "GET", quish + "summary/" + keepnettest.QuishingAcmeParkingID + "/1", "", nil},
	}
}

// resultBodies answers every resultCall against a fake with opts.
func resultBodies(t *testing.T, opts ...keepnettest.Option) map[string]string {
	t.Helper()
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	s := newServer(t, append([]keepnettest.Option{keepnettest.WithClock(func() time.Time { return now })}, opts...)...)
	tok := token(t, s)
	bodies := map[string]string{}
	for _, c := range resultCalls(s) {
		contentType := ""
		if c.body != "" {
			contentType = "application/json"
		}
		r := raw(t, s, tok, c.method, c.path, contentType, c.body, both(keepnettest.CompanyAcmeID)...)
		if r.status != 200 {
			t.Fatalf("%s: status %d, body %s", c.route, r.status, r.body)
		}
		bodies[c.route] = r.body
	}
	return bodies
}

func TestTypeDriftReachesTheResultsRoutesAndKeepsTheirResults(t *testing.T) {
	free := resultBodies(t)
	calls := resultCalls(newServer(t))
	for _, seed := range []uint64{1, 2, 3} {
		drifted := resultBodies(t, keepnettest.WithTypeDrift(seed))
		var n driftCounts
		for _, c := range calls {
			got := decodeNumbers(t, c.route, drifted[c.route])
			checkDrift(t, c.route, decodeNumbers(t, c.route, free[c.route]), got, &n)
			for _, path := range c.needed {
				v, ok := lookup(got, strings.Split(path, ".")...)
				if _, isArray := v.([]any); !ok || !isArray {
					t.Errorf("seed %d, %s: %s is %#v, want an array", seed, c.route, path, v)
				}
			}
		}
		if n.intToString == 0 || n.digitsToNumber == 0 || n.arrayToNull+n.arrayToObject == 0 || n.unknownMembers == 0 {
			t.Errorf("seed %d: drift did not do everything it should: %+v", seed, n)
		}
	}
}

func TestHollowAnswersOnTheResultsRoutes(t *testing.T) {
	s := newServer(t,
		keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RoutePhishingJobUsers, Kind: keepnettest.HollowResultsNull, Times: 1, Page: 2}),
		keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RoutePhishingJobUsersExport, Kind: keepnettest.HollowHTML, Times: 1}))
	tok := token(t, s)
	path := "/api/phishing-simulator/phishing-campaign-job-report/All/search/" + acmeInvoice + "/1"
	r := raw(t, s, tok, "POST", path, "application/json", nameSearchJSON(2, 10), both(keepnettest.CompanyAcmeID)...)
	if r.status != 200 || !strings.Contains(r.body, `"results":null`) || !strings.Contains(r.body, `"totalNumberOfRecords":30`) {
		t.Errorf("hollow page 2: status %d body %s; want results null and the counts", r.status, r.body)
	}
	r = raw(t, s, tok, "POST", path, "application/json", nameSearchJSON(2, 10), both(keepnettest.CompanyAcmeID)...)
	if strings.Contains(r.body, `"results":null`) {
		t.Error("the hollow budget of one was spent twice")
	}
	export := "/api/phishing-simulator/phishing-campaign-job-report/All/search/export/" + acmeInvoice + "/1"
	r = raw(t, s, tok, "POST", export, "application/json", nameSearchJSON(1, 10), both(keepnettest.CompanyAcmeID)...)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("hollow export: status %d, %s; want a 200 HTML page", r.status, r.header.Get("Content-Type"))
	}
	r = raw(t, s, tok, "POST", export, "application/json", nameSearchJSON(1, 10), both(keepnettest.CompanyAcmeID)...)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Errorf("export after the hollow one: %s, want CSV", r.header.Get("Content-Type"))
	}
	s.SetHollow(keepnettest.Hollow{Route: keepnettest.RoutePhishingCampaignGet, Kind: keepnettest.HollowDataNull})
	r = raw(t, s, tok, "GET", "/api/phishing-simulator/phishing-campaign/"+acmeInvoice, "", "", both(keepnettest.CompanyAcmeID)...)
	if r.status != 200 || !strings.Contains(r.body, `"data":null`) {
		t.Errorf("hollow campaign detail: status %d body %s; want data null", r.status, r.body)
	}
	if s.HollowServed(keepnettest.RoutePhishingJobUsers) != 1 || s.HollowServed(keepnettest.RoutePhishingJobUsersExport) != 1 {
		t.Errorf("hollow served %d and %d, want 1 each", s.HollowServed(keepnettest.RoutePhishingJobUsers), s.HollowServed(keepnettest.RoutePhishingJobUsersExport))
	}
}

func TestTypeDriftLeavesExportsAlone(t *testing.T) {
	export := "/api/phishing-simulator/phishing-campaign-job-report/export/" + acmeInvoice + "/1"
	plain := newServer(t)
	drifted := newServer(t, keepnettest.WithTypeDrift(5))
	a := raw(t, plain, token(t, plain), "GET", export, "", "", both(keepnettest.CompanyAcmeID)...)
	b := raw(t, drifted, token(t, drifted), "GET", export, "", "", both(keepnettest.CompanyAcmeID)...)
	if a.status != 200 || a.body != b.body {
		t.Errorf("export under drift changed:\n%s\n%s", a.body, b.body)
	}
}
