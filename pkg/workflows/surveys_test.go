package workflows_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

var allSurveys = workflows.SurveyRequest{Companies: workflows.CompanySelection{All: true}, Enrollment: keepnettest.SurveyName, Concurrency: 4}

// pullSurveys runs a whole multi-company pull: its records and the
// company errors yielded on the way.
func pullSurveys(t *testing.T, c *keepnet.Client, req workflows.SurveyRequest) (*workflows.Pull[workflows.SurveyRecord], []workflows.SurveyRecord, []*workflows.CompanyError) {
	t.Helper()
	pull, err := workflows.OpenSurveyResults(context.Background(), c, req)
	if err != nil {
		t.Fatalf("OpenSurveys: %v", err)
	}
	var records []workflows.SurveyRecord
	var failed []*workflows.CompanyError
	for r, err := range pull.Records(context.Background()) {
		var ce *workflows.CompanyError
		switch {
		case errors.As(err, &ce):
			failed = append(failed, ce)
		case err != nil:
			t.Fatalf("Records: %v", err)
		default:
			records = append(records, r)
		}
	}
	return pull, records, failed
}

func TestPullSurveysAllCompaniesNamesEveryRecordsCompany(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(15), keepnettest.WithPageSizeCap(4), keepnettest.WithJitter(2*time.Millisecond))
	pull, records, failed := pullSurveys(t, fakeClient(t, srv), allSurveys)
	if len(failed) > 0 {
		t.Fatalf("company errors in a fault-free run: %v", failed)
	}
	if len(pull.Skipped) != 1 || pull.Skipped[0].Company.ID != keepnettest.CompanyAcmeEuropeID {
		t.Errorf("skipped %+v, want only Acme Manufacturing Europe, which has no such survey", pull.Skipped)
	}
	// Company by company, each in the server's user order.
	var want []workflows.SurveyRecord
	for _, co := range []struct{ id, name, enrollment string }{
		{keepnettest.CompanyAcmeID, keepnettest.CompanyAcmeName, keepnettest.EnrollmentAcmeSurveyID},
		{keepnettest.CompanyGlobexID, keepnettest.CompanyGlobexName, keepnettest.EnrollmentGlobexSurveyID},
	} {
		for u := range srv.Users(co.enrollment) {
			want = append(want, workflows.SurveyRecord{CompanyID: co.id, CompanyName: co.name,
				UserResult: workflows.UserResult{TargetUserResourceID: u.ID, Email: u.Email}})
		}
	}
	if len(records) != len(want) {
		t.Fatalf("%d records, want %d (15 of Acme's, 12 of Globex's)", len(records), len(want))
	}
	emails := map[string]bool{}
	for i, r := range records {
		w := want[i]
		if r.CompanyID != w.CompanyID || r.CompanyName != w.CompanyName || r.TargetUserResourceID != w.TargetUserResourceID || r.Email != w.Email {
			t.Errorf("record %d = %s/%s %s %s, want %s/%s %s %s", i, r.CompanyID, r.CompanyName, r.TargetUserResourceID, r.Email,
				w.CompanyID, w.CompanyName, w.TargetUserResourceID, w.Email)
		}
		if r.Error != "" {
			t.Errorf("record %d: error %q", i, r.Error)
		}
		if wantE := map[string]string{keepnettest.CompanyAcmeID: keepnettest.EnrollmentAcmeSurveyID, keepnettest.CompanyGlobexID: keepnettest.EnrollmentGlobexSurveyID}[r.CompanyID]; r.EnrollmentID != wantE || r.EnrollmentName != keepnettest.SurveyName {
			t.Errorf("record %d names enrollment %s %q, want %s", i, r.EnrollmentID, r.EnrollmentName, wantE)
		}
		emails[r.Email] = true
	}
	if len(emails) != len(want) {
		t.Errorf("%d distinct emails among %d records: the companies' users should differ", len(emails), len(want))
	}
	sum := pull.Outcomes()
	if len(sum) != 2 || sum[0].Records != 15 || sum[0].Complete != 15 || sum[1].Records != 12 || sum[1].Complete != 12 || pull.Sources[1].ID != keepnettest.EnrollmentGlobexSurveyID {
		t.Errorf("summary %+v, want Acme 15/15 and Globex 12/12", sum)
	}
	if pr := pull.Progress(); pr.Sources != 2 || pr.SourcesDone != 2 || pr.Rows != 27 || pr.RowsDone != 27 {
		t.Errorf("progress at the end %+v, want 2/2 companies and 27/27 users", pr)
	}
}

func TestPullSurveysMatchesSingleCompanyPulls(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(20))
	c := fakeClient(t, srv)
	_, records, _ := pullSurveys(t, c, workflows.SurveyRequest{
		Companies: workflows.CompanySelection{Companies: []string{keepnettest.CompanyGlobexName, keepnettest.CompanyAcmeID, "globex"}}, Enrollment: keepnettest.SurveyName, Concurrency: 5,
	})
	_, globex := pullAll(t, c, workflows.SurveyRequest{Companies: in(keepnettest.CompanyGlobexID), Enrollment: keepnettest.SurveyName})
	_, acme := pullAll(t, c, workflows.SurveyRequest{Companies: in(keepnettest.CompanyAcmeID), Enrollment: keepnettest.SurveyName})
	wantUsers := append(globex, acme...) // in the order named; Globex named twice is pulled once
	if len(records) != len(wantUsers) {
		t.Fatalf("%d records, want %d", len(records), len(wantUsers))
	}
	got := make([]workflows.UserResult, len(records))
	for i, r := range records {
		got[i] = r.UserResult
	}
	if a, b := marshal(t, got), marshal(t, wantUsers); a != b {
		t.Errorf("multi-company records differ from the single-company pulls:\n%s\n---\n%s", a, b)
	}
}

func TestOpenSurveysInputErrors(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv)
	tests := []struct {
		name string
		req  workflows.SurveyRequest
		want []string
	}{
		{"named company without the survey", workflows.SurveyRequest{Companies: workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName, keepnettest.CompanyAcmeEuropeName}}, Enrollment: keepnettest.SurveyName},
			[]string{`enrollment "Security Culture Survey"`, keepnettest.CompanyAcmeEuropeName, keepnettest.CompanyAcmeEuropeID, "matches no enrollment"}},
		{"ambiguous in one company of all", workflows.SurveyRequest{Companies: workflows.CompanySelection{All: true}, Enrollment: "Culture"},
			[]string{keepnettest.CompanyAcmeName, "is ambiguous", keepnettest.EnrollmentAcmeSurveyID, keepnettest.EnrollmentAcmePilotID}},
		{"unknown company", workflows.SurveyRequest{Companies: workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName, "Umbrella Corp"}}, Enrollment: keepnettest.SurveyName},
			[]string{`company "Umbrella Corp"`, "companies these credentials manage"}},
		{"ambiguous company", workflows.SurveyRequest{Companies: workflows.CompanySelection{Companies: []string{"Acme"}}, Enrollment: keepnettest.SurveyName},
			[]string{`company "Acme"`, "is ambiguous", keepnettest.CompanyAcmeEuropeID}},
		{"survey in no company", workflows.SurveyRequest{Companies: workflows.CompanySelection{All: true}, Enrollment: "Onboarding Quiz"},
			[]string{`enrollment "Onboarding Quiz"`, "no survey in any of the 3 companies"}},
		{"only a training's name, in all companies", workflows.SurveyRequest{Companies: workflows.CompanySelection{All: true}, Enrollment: keepnettest.TrainingEnrollmentName},
			[]string{"no survey in any of the 3 companies"}}, // Acme's training is skipped as no survey, not refused
		{"not a survey in a named company", workflows.SurveyRequest{Companies: workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeID}}, Enrollment: keepnettest.TrainingEnrollmentName},
			[]string{keepnettest.CompanyAcmeName, "not a survey"}},
		{"both selections", workflows.SurveyRequest{Companies: workflows.CompanySelection{All: true, Companies: []string{keepnettest.CompanyAcmeName}}, Enrollment: keepnettest.SurveyName},
			[]string{"company", "cannot be combined"}},
		{"no selection", workflows.SurveyRequest{Enrollment: keepnettest.SurveyName}, []string{"company", "is missing"}},
		{"empty company", workflows.SurveyRequest{Companies: workflows.CompanySelection{Companies: []string{" "}}, Enrollment: keepnettest.SurveyName}, []string{"company", "is empty"}},
		{"no enrollment", workflows.SurveyRequest{Companies: workflows.CompanySelection{All: true}}, []string{"enrollment", "is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, err := workflows.OpenSurveyResults(context.Background(), c, tt.req)
			if !isInputError(err) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if n := srv.RequestCount(keepnettest.RouteReportUsersSearch); n != 0 {
				t.Errorf("%d users/search requests before bad input was reported", n)
			}
		})
	}
}

// failCompany is a transport under which every users/search of one
// company answers 503, as if that customer's reports were broken.
type failCompany struct {
	base      http.RoundTripper
	companyID string
}

func (f failCompany) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/users/search") && r.Header.Get("X-KEEPNET-Company-Id") == f.companyID {
		return &http.Response{
			StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
			Header: http.Header{"Content-Type": {"text/html"}}, Body: http.NoBody, Request: r,
		}, nil
	}
	return f.base.RoundTrip(r)
}

func TestPullSurveysGoesOnPastAFailedCompany(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(10))
	c := fakeClient(t, srv, keepnet.WithTransport(failCompany{http.DefaultTransport, keepnettest.CompanyAcmeID}))
	pull, records, failed := pullSurveys(t, c, allSurveys)
	if len(failed) != 1 || failed[0].Company.ID != keepnettest.CompanyAcmeID {
		t.Fatalf("company errors %v, want Acme's alone", failed)
	}
	if len(records) != 12 {
		t.Errorf("%d records, want Globex's 12 after Acme failed", len(records))
	}
	for _, r := range records {
		if r.CompanyID != keepnettest.CompanyGlobexID || r.Error != "" {
			t.Errorf("record %+v, want Globex's, complete", r)
		}
	}
	sum := pull.Outcomes()
	if len(sum) != 2 || sum[0].Err == nil || sum[0].Records != 0 || sum[1].Err != nil || sum[1].Complete != 12 {
		t.Errorf("summary %+v, want Acme failed with no users and Globex 12 complete", sum)
	}
}

func TestPullSurveysSharesOneConcurrencyBudget(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(40), keepnettest.WithLatency(3*time.Millisecond))
	tr := &inFlight{base: http.DefaultTransport}
	req := allSurveys
	req.Concurrency = 3
	pull, err := workflows.OpenSurveyResults(context.Background(), fakeClient(t, srv, keepnet.WithTransport(tr)), req)
	if err != nil {
		t.Fatal(err)
	}
	tr.mu.Lock()
	tr.peak = 0
	tr.mu.Unlock()
	n := 0
	for _, err := range pull.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 52 {
		t.Errorf("%d records, want 52", n)
	}
	if tr.peak > 3 {
		t.Errorf("%d requests in flight at once across two companies, want at most 3", tr.peak)
	}
}

func TestPullSurveysReusesKnownRecords(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(10))
	c := fakeClient(t, srv)
	_, first, _ := pullSurveys(t, c, allSurveys)
	known := map[string]workflows.SurveyRecord{}
	for i, r := range first {
		if i%2 == 0 {
			known[r.CompanyID+"/"+r.TargetUserResourceID] = r
		}
	}
	var asked atomic.Int64
	req := allSurveys
	req.Reuse = func(partial workflows.SurveyRecord) (workflows.SurveyRecord, bool) {
		asked.Add(1)
		r, ok := known[partial.CompanyID+"/"+partial.TargetUserResourceID]
		return r, ok
	}
	srv.ResetRequests()
	_, second, _ := pullSurveys(t, c, req)
	if a, b := marshal(t, first), marshal(t, second); a != b {
		t.Errorf("a pull reusing records differs from a clean one:\n%s\n---\n%s", a, b)
	}
	fetched := len(first) - len(known)
	if n := srv.RequestCount(keepnettest.RouteReportExamSessions); n != fetched {
		t.Errorf("%d answers requests, want %d: only users without a known record are fetched", n, fetched)
	}
	if asked.Load() != int64(len(first)) {
		t.Errorf("Reuse asked %d times, want once per user (%d)", asked.Load(), len(first))
	}
}

func TestRecordsStopsWhenTheLoopBreaks(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(200))
	tr := &inFlight{base: http.DefaultTransport}
	pull, err := workflows.OpenSurveyResults(context.Background(), fakeClient(t, srv, keepnet.WithTransport(tr)), allSurveys)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range pull.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	// Records returns only once every company's requests have returned.
	tr.mu.Lock()
	running := tr.now
	tr.mu.Unlock()
	if running != 0 {
		t.Errorf("%d requests still running after the loop ended", running)
	}
}

func TestPullSurveysRunsCompaniesSideBySide(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(80), keepnettest.WithLatency(time.Millisecond))
	pull, err := workflows.OpenSurveyResults(context.Background(), fakeClient(t, srv), allSurveys)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	for _, err := range pull.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Globex's users are fetched while Acme's still are, not after them.
	firstGlobex, lastAcme := -1, -1
	for i, r := range srv.Requests() {
		if r.Route != keepnettest.RouteReportExamSessions {
			continue
		}
		switch {
		case strings.Contains(r.Path, keepnettest.EnrollmentGlobexSurveyID) && firstGlobex < 0:
			firstGlobex = i
		case strings.Contains(r.Path, keepnettest.EnrollmentAcmeSurveyID):
			lastAcme = i
		}
	}
	if firstGlobex < 0 || lastAcme < 0 || firstGlobex > lastAcme {
		t.Errorf("Globex's first answers request is #%d, Acme's last #%d: the companies ran one after another", firstGlobex, lastAcme)
	}
}
