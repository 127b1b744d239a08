package workflows_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// rolloutRequest enrolls Finance and All Staff of each selected company in
// Phishing Fundamentals. Of the seeded companies, Acme Manufacturing Europe
// has no Finance group.
func rolloutRequest(name string, companies ...string) workflows.RolloutRequest {
	req := acmeRequest(name)
	req.Company = ""
	return workflows.RolloutRequest{
		Companies:  workflows.CompanySelection{Companies: companies, All: len(companies) == 0},
		Enrollment: req,
	}
}

// addCustomer adds a managed company with both groups the rollouts use.
func addCustomer(srv *keepnettest.Server, name string) keepnettest.Company {
	co := srv.AddCompany(name, true)
	srv.AddGroup(co.ID, keepnettest.GroupFinanceName, 4)
	srv.AddGroup(co.ID, keepnettest.GroupAllStaffName, 40)
	return co
}

func TestResolveCompanies(t *testing.T) {
	_, c := startEnrollFake(t)
	for _, tc := range []struct {
		name    string
		sel     workflows.CompanySelection
		want    []string // IDs, in order
		badIn   string   // when it is bad input: the error mentions this
		badAlso string   // ... and this
	}{
		{"in the order named", workflows.CompanySelection{Companies: []string{keepnettest.CompanyGlobexName, keepnettest.CompanyAcmeName}},
			[]string{keepnettest.CompanyGlobexID, keepnettest.CompanyAcmeID}, "", ""},
		{"a company named twice is one", workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName, keepnettest.CompanyAcmeID}},
			[]string{keepnettest.CompanyAcmeID}, "", ""},
		{"all managed ones", workflows.CompanySelection{All: true},
			[]string{keepnettest.CompanyAcmeID, keepnettest.CompanyAcmeEuropeID, keepnettest.CompanyGlobexID}, "", ""},
		{"nothing selected", workflows.CompanySelection{}, nil, "missing", ""},
		{"all and names", workflows.CompanySelection{All: true, Companies: []string{keepnettest.CompanyAcmeName}}, nil, "cannot be combined", ""},
		{"an empty name", workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName, " "}}, nil, "empty", ""},
		{"ambiguous", workflows.CompanySelection{Companies: []string{"acme"}}, nil, keepnettest.CompanyAcmeEuropeID, ""},
		{"every bad name is listed", workflows.CompanySelection{Companies: []string{"Umbrella Labs", keepnettest.CompanyGlobexName, keepnettest.CompanyUnmanagedID}},
			nil, "Umbrella Labs", keepnettest.CompanyUnmanagedID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := workflows.ResolveCompanies(context.Background(), c, tc.sel)
			if tc.badIn != "" {
				if !isInputError(err) || !strings.Contains(err.Error(), tc.badIn) || !strings.Contains(err.Error(), tc.badAlso) {
					t.Fatalf("err = %v, want bad input mentioning %q and %q", err, tc.badIn, tc.badAlso)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, co := range got {
				ids = append(ids, co.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("companies = %v, want %v", ids, tc.want)
			}
		})
	}
}

func TestPlanRolloutResolvesInEachCompanyAndWritesNothing(t *testing.T) {
	srv, c := startEnrollFake(t)
	plan, err := workflows.PlanRollout(context.Background(), c, rolloutRequest("Q3 phishing", keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName))
	if err != nil {
		t.Fatal(err)
	}
	want := []workflows.CompanyPlan{
		{Company: workflows.Company{ID: keepnettest.CompanyAcmeID, Name: keepnettest.CompanyAcmeName}, Action: workflows.ActionCreate,
			TrainingID: keepnettest.TrainingPhishingID, GroupIDs: []string{keepnettest.GroupAcmeFinanceID, keepnettest.GroupAcmeAllStaffID}},
		{Company: workflows.Company{ID: keepnettest.CompanyGlobexID, Name: keepnettest.CompanyGlobexName}, Action: workflows.ActionCreate,
			TrainingID: keepnettest.TrainingPhishingID, GroupIDs: []string{keepnettest.GroupGlobexFinanceID, keepnettest.GroupGlobexAllStaffID}},
	}
	if len(plan.Companies) != len(want) {
		t.Fatalf("plan has %d companies, want %d", len(plan.Companies), len(want))
	}
	for i, row := range plan.Companies {
		w := want[i]
		if row.Company != w.Company || row.Action != w.Action || row.TrainingID != w.TrainingID || !slices.Equal(row.GroupIDs, w.GroupIDs) || row.Plan == nil {
			t.Errorf("row %d = %+v, want %+v with a plan", i, row, w)
		}
	}
	if n := writes(srv); n != 0 {
		t.Errorf("planning made %d writes", n)
	}
}

// writes counts the requests that could have changed the tenant.
func writes(srv *keepnettest.Server) int {
	return srv.RequestCount(keepnettest.RouteEnrollmentCreate) + srv.RequestCount(keepnettest.RouteEnrollmentSend)
}

func TestRolloutCompanyLackingAGroup(t *testing.T) {
	t.Run("bad input, nothing written anywhere", func(t *testing.T) {
		srv, c := startEnrollFake(t)
		_, err := workflows.Rollout(context.Background(), c, rolloutRequest("Q3 phishing"))
		var ie *workflows.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), keepnettest.CompanyAcmeEuropeName) || ie.Option != "SkipMissing" {
			t.Fatalf("err = %v, want bad input naming %s and the SkipMissing option", err, keepnettest.CompanyAcmeEuropeName)
		}
		if strings.Contains(err.Error(), keepnettest.CompanyGlobexName) {
			t.Errorf("err = %v names a company that has every group", err)
		}
		if n := writes(srv); n != 0 {
			t.Errorf("%d writes despite bad input", n)
		}
	})
	t.Run("skipped when asked, the others enrolled", func(t *testing.T) {
		srv, c := startEnrollFake(t)
		req := rolloutRequest("Q3 phishing")
		req.SkipMissing = true
		res, err := workflows.Rollout(context.Background(), c, req)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]workflows.Action{}
		for _, row := range res.Companies {
			actions[row.Company.ID] = row.Enrollment.Action
		}
		want := map[string]workflows.Action{
			keepnettest.CompanyAcmeID: workflows.ActionCreate, keepnettest.CompanyGlobexID: workflows.ActionCreate,
			keepnettest.CompanyAcmeEuropeID: workflows.ActionSkip,
		}
		if len(actions) != len(want) {
			t.Errorf("actions = %v, want %v", actions, want)
		}
		for id, a := range want {
			if actions[id] != a {
				t.Errorf("%s: action %q, want %q", id, actions[id], a)
			}
		}
		requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Enrollment.Name)
		requireOneSent(t, srv, keepnettest.CompanyGlobexID, req.Enrollment.Name)
		if got := named(srv, keepnettest.CompanyAcmeEuropeID, req.Enrollment.Name); len(got) != 0 {
			t.Errorf("the skipped company got %+v", got)
		}
	})
	t.Run("a missing training too", func(t *testing.T) {
		srv, c := startEnrollFake(t)
		req := rolloutRequest("Q3 quantum", keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName)
		req.Enrollment.Training = "Quantum Safety"
		req.SkipMissing = true
		plan, err := workflows.PlanRollout(context.Background(), c, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range plan.Companies {
			if row.Action != workflows.ActionSkip || !strings.Contains(row.Reason, "Quantum Safety") {
				t.Errorf("row %+v, want skipped for lacking the training", row)
			}
		}
		if _, err := plan.Apply(context.Background()); err != nil || writes(srv) != 0 {
			t.Errorf("applying an all-skipped plan: %v, %d writes", err, writes(srv))
		}
	})
}

func TestRolloutNameConflictIsNotSkipped(t *testing.T) {
	// Acme has "Phishing Fundamentals 2026" for other groups: that is not a
	// missing group, so SkipMissing does not forgive it.
	srv, c := startEnrollFake(t)
	req := rolloutRequest(keepnettest.TrainingEnrollmentName, keepnettest.CompanyGlobexName, keepnettest.CompanyAcmeName)
	req.SkipMissing = true
	_, err := workflows.PlanRollout(context.Background(), c, req)
	if !isInputError(err) || !strings.Contains(err.Error(), keepnettest.EnrollmentAcmeTrainingID) {
		t.Fatalf("err = %v, want bad input naming %s", err, keepnettest.EnrollmentAcmeTrainingID)
	}
	if n := writes(srv); n != 0 {
		t.Errorf("%d writes", n)
	}
}

// failCreatesIn answers every create in one company 502 from the edge,
// without the server seeing it: that company fails, the others must not.
type failCreatesIn string

func (f failCreatesIn) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/api/enrollments") && r.Header.Get("X-KEEPNET-Company-Id") == string(f) {
		return &http.Response{
			StatusCode: http.StatusBadGateway, Header: http.Header{"Content-Type": {"text/html"}},
			Body: io.NopCloser(strings.NewReader("<html>502 Bad Gateway</html>")), Request: r,
		}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestRolloutOneCompanyFailsTheOthersFinishAndARerunConverges(t *testing.T) {
	srv, _ := startEnrollFake(t)
	extra := addCustomer(srv, "Initrode Logistics")
	failing := fakeClient(t, srv, keepnet.WithRetry(enrollRetry), keepnet.WithTransport(failCreatesIn(keepnettest.CompanyGlobexID)))
	req := rolloutRequest("Q3 phishing", keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName, extra.Name)
	req.Concurrency = 2
	res, err := workflows.Rollout(context.Background(), failing, req)
	var re *workflows.RolloutError
	if !errors.As(err, &re) || len(re.Failed) != 1 || re.Failed[0].Company.ID != keepnettest.CompanyGlobexID || re.Total != 3 {
		t.Fatalf("err = %v, want a rollout error for Globex alone", err)
	}
	if isInputError(err) {
		t.Errorf("a failed write reads as bad input: %v", err)
	}
	if len(res.Companies) != 3 || res.Companies[1].Enrollment.Action != workflows.ActionFail || !errors.Is(res.Companies[1].Err, keepnet.ErrOutcomeUnknown) {
		t.Fatalf("rows = %+v, want Globex failed with an unknown outcome", res.Companies)
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Enrollment.Name)
	requireOneSent(t, srv, extra.ID, req.Enrollment.Name)

	c := fakeClient(t, srv, keepnet.WithRetry(enrollRetry))
	res, err = workflows.Rollout(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []workflows.Action{workflows.ActionAlreadySent, workflows.ActionCreate, workflows.ActionAlreadySent} {
		if res.Companies[i].Enrollment.Action != want {
			t.Errorf("rerun: %s %q, want %q", res.Companies[i].Company.Name, res.Companies[i].Enrollment.Action, want)
		}
	}
	for _, id := range []string{keepnettest.CompanyAcmeID, keepnettest.CompanyGlobexID, extra.ID} {
		requireOneSent(t, srv, id, req.Enrollment.Name)
	}
}

func TestRolloutConvergesAfterCommitThenFail(t *testing.T) {
	// Every create does its work and is answered 502.
	srv, c := startEnrollFake(t, keepnettest.WithCommitThenFail(keepnettest.RouteEnrollmentCreate, 0))
	extra := addCustomer(srv, "Initrode Logistics")
	req := rolloutRequest("Committed then failed", keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName, extra.Name)
	for run := range 2 {
		res, err := workflows.Rollout(context.Background(), c, req)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		want := workflows.ActionCreate
		if run > 0 {
			want = workflows.ActionAlreadySent
		}
		for _, row := range res.Companies {
			if row.Enrollment.Action != want {
				t.Errorf("run %d: %s %q, want %q", run, row.Company.Name, row.Enrollment.Action, want)
			}
		}
	}
	for _, id := range []string{keepnettest.CompanyAcmeID, keepnettest.CompanyGlobexID, extra.ID} {
		requireOneSent(t, srv, id, req.Enrollment.Name)
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 3 {
		t.Errorf("%d creates posted, want 3: one per company", n)
	}
}

func TestRolloutConvergesUnderReadFaults(t *testing.T) {
	reads := []string{
		keepnettest.RouteCompaniesSearch, keepnettest.RouteEnrollmentsSearch, keepnettest.RouteEnrollmentGet,
		keepnettest.RouteEnrollmentForm, keepnettest.RouteTrainingsSearch, keepnettest.RouteTargetGroupsSearch,
	}
	// 429s stay under the share at which the client takes them for a rate
	// limit and slows its pace (pkg/keepnet/pace.go): this test is about
	// failed reads, not about pacing, and at 15% 429s (as the one-company
	// TestEnrollConvergesUnderReadFaults has) the three companies' reads
	// crawl for most of a minute.
	srv, c := startEnrollFake(t, keepnettest.WithFaults(keepnettest.Faults{
		TooManyRequestsBare: 0.03, BadGateway: 0.15, Unavailable: 0.12, Drop: 0.1, Routes: reads,
	}), keepnettest.WithPageSizeCap(2))
	extra := addCustomer(srv, "Initrode Logistics")
	req := rolloutRequest("Under fire", keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName, extra.Name)
	for run := range 3 {
		if _, err := workflows.Rollout(context.Background(), c, req); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	for _, id := range []string{keepnettest.CompanyAcmeID, keepnettest.CompanyGlobexID, extra.ID} {
		requireOneSent(t, srv, id, req.Enrollment.Name)
	}
	failed := 0
	for _, r := range srv.Requests() {
		if r.Status < 200 || r.Status >= 300 {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no read failed: the faults were not injected, so the test proves nothing")
	}
}

func TestPlanRolloutActionsOfARerun(t *testing.T) {
	srv, c := startEnrollFake(t)
	req := rolloutRequest("Created now, sent later", keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName)
	req.Enrollment.NoSend = true
	if _, err := workflows.Rollout(context.Background(), c, req); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		noSend bool
		want   workflows.Action
	}{{true, workflows.ActionLeaveScheduled}, {false, workflows.ActionResume}} {
		req.Enrollment.NoSend = tc.noSend
		plan, err := workflows.PlanRollout(context.Background(), c, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range plan.Companies {
			if row.Action != tc.want {
				t.Errorf("no-send %v: %s plans %q, want %q", tc.noSend, row.Company.Name, row.Action, tc.want)
			}
		}
	}
	if _, err := workflows.Rollout(context.Background(), c, req); err != nil {
		t.Fatal(err)
	}
	plan, err := workflows.PlanRollout(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range plan.Companies {
		if row.Action != workflows.ActionAlreadySent {
			t.Errorf("after the send: %s plans %q, want already sent", row.Company.Name, row.Action)
		}
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Enrollment.Name)
	requireOneSent(t, srv, keepnettest.CompanyGlobexID, req.Enrollment.Name)
}

func TestPlanRolloutRefusesACompanyInTheEnrollment(t *testing.T) {
	_, c := startEnrollFake(t)
	req := rolloutRequest("Q3", keepnettest.CompanyGlobexName)
	req.Enrollment.Company = keepnettest.CompanyAcmeName
	if _, err := workflows.PlanRollout(context.Background(), c, req); !isInputError(err) {
		t.Errorf("err = %v, want bad input", err)
	}
}

// refuseReadsIn answers one company's training listing 400, as a service
// refusing the company would: its plan cannot be made.
type refuseReadsIn string

func (f refuseReadsIn) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/api/trainings/search") && r.Header.Get("X-KEEPNET-Company-Id") == string(f) {
		return &http.Response{
			StatusCode: http.StatusBadRequest, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"status":"INPUT_ERROR","message":"Company is being migrated"}`)), Request: r,
		}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestRolloutCompanyThatCannotBePlannedFailsAlone(t *testing.T) {
	srv, _ := startEnrollFake(t)
	c := fakeClient(t, srv, keepnet.WithRetry(enrollRetry), keepnet.WithTransport(refuseReadsIn(keepnettest.CompanyGlobexID)))
	req := rolloutRequest("Q3 phishing", keepnettest.CompanyGlobexName, keepnettest.CompanyAcmeName)
	plan, err := workflows.PlanRollout(context.Background(), c, req)
	if err != nil {
		t.Fatalf("err = %v, want a plan with Globex failed", err)
	}
	if row := plan.Companies[0]; row.Action != workflows.ActionFail || !strings.Contains(row.Reason, "being migrated") || row.Plan != nil {
		t.Errorf("Globex's row = %+v, want failed with the service's reason", row)
	}
	res, err := plan.Apply(context.Background())
	var re *workflows.RolloutError
	if !errors.As(err, &re) || len(re.Failed) != 1 || re.Failed[0].Company.ID != keepnettest.CompanyGlobexID {
		t.Fatalf("err = %v, want Globex alone failed", err)
	}
	if res.Companies[1].Enrollment.Action != workflows.ActionCreate {
		t.Errorf("Acme = %+v, want created", res.Companies[1])
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Enrollment.Name)
	if got := named(srv, keepnettest.CompanyGlobexID, req.Enrollment.Name); len(got) != 0 {
		t.Errorf("Globex, never planned, got %+v", got)
	}
}
