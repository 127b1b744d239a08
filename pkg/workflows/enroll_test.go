package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// enrollRetry keeps retried reads quick in tests.
var enrollRetry = keepnet.RetryPolicy{MaxAttempts: 8, MaxElapsed: 10 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// enrollRecheck spaces look-ups after an unknown outcome by milliseconds.
var enrollRecheck = workflows.RecheckPolicy{Attempts: 3, Delay: time.Millisecond}

// startEnrollFake starts a spec-validating fake and a client for it.
func startEnrollFake(t *testing.T, opts ...keepnettest.Option) (*keepnettest.Server, *keepnet.Client) {
	t.Helper()
	srv := specFake(t, opts...)
	// Each test's runs share a lock and records of their own.
	t.Setenv(workflows.EnvStateDir, t.TempDir())
	return srv, fakeClient(t, srv, keepnet.WithRetry(enrollRetry))
}

// named returns the enrollments of company with this name.
func named(srv *keepnettest.Server, companyID, name string) []keepnettest.Enrollment {
	var out []keepnettest.Enrollment
	for _, e := range srv.Enrollments() {
		if e.CompanyID == companyID && e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// requireOneSent fails unless company has exactly one enrollment with this
// name, and it was sent exactly once.
func requireOneSent(t *testing.T, srv *keepnettest.Server, companyID, name string) keepnettest.Enrollment {
	t.Helper()
	got := named(srv, companyID, name)
	if len(got) != 1 {
		t.Fatalf("company %s has %d enrollments named %q, want exactly 1", companyID, len(got), name)
	}
	if got[0].SendCount != 1 {
		t.Fatalf("enrollment %s was sent %d times, want once", got[0].ID, got[0].SendCount)
	}
	return got[0]
}

func acmeRequest(name string) workflows.EnrollRequest {
	return workflows.EnrollRequest{
		Company:  keepnettest.CompanyAcmeName,
		Training: keepnettest.TrainingPhishingName,
		Groups:   []string{keepnettest.GroupFinanceName, keepnettest.GroupAllStaffName},
		Name:     name,
		Recheck:  enrollRecheck,
		// Reruns after a create whose outcome was unknown wait this long.
		SettleWindow: enrollSettle,
	}
}

// enrollSettle is the settle window of the tests' requests: long enough
// for a lagging listing of a few searches to catch up.
const enrollSettle = 300 * time.Millisecond

func TestEnrollByNames(t *testing.T) {
	srv, c := startEnrollFake(t)
	const name = "Q2 Phishing Refresher for Zoë Ångström-Ñúñez's teams"
	res, err := workflows.Enroll(context.Background(), c, acmeRequest(name))
	if err != nil {
		t.Fatal(err)
	}
	// "Phishing Fundamentals" and "Finance" are exact names that beat the
	// longer names sharing them as a prefix.
	e := requireOneSent(t, srv, keepnettest.CompanyAcmeID, name)
	if e.TrainingID != keepnettest.TrainingPhishingID {
		t.Errorf("training = %s, want %s", e.TrainingID, keepnettest.TrainingPhishingID)
	}
	if want := []string{keepnettest.GroupAcmeFinanceID, keepnettest.GroupAcmeAllStaffID}; !slices.Equal(e.GroupIDs, want) {
		t.Errorf("groups = %v, want %v", e.GroupIDs, want)
	}
	want := workflows.EnrollResult{
		Company: workflows.Company{ID: keepnettest.CompanyAcmeID, Name: keepnettest.CompanyAcmeName},
		ID:      e.ID, Name: name, Status: keepnettest.StatusSending, Action: workflows.ActionCreate,
	}
	if res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
}

func TestEnrollByIDsWithSchedule(t *testing.T) {
	srv, c := startEnrollFake(t)
	req := workflows.EnrollRequest{
		Company:           keepnettest.CompanyAcmeID,
		Training:          keepnettest.TrainingPasswordID,
		Groups:            []string{keepnettest.GroupAcmeFinanceEMEAID, keepnettest.GroupAcmeFinanceEMEAID},
		Name:              "Password Hygiene, April",
		Schedule:          "2026-04-01T09:00:00+03:00",
		TimeZone:          "turkey standard time",
		Due:               "2026-04-30T23:59:59Z",
		AwardCertificate:  true,
		MarkedAsTest:      true,
		TeamsNotification: true,
		Recheck:           enrollRecheck,
	}
	res, err := workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	e := requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
	if e.TrainingID != keepnettest.TrainingPasswordID || !slices.Equal(e.GroupIDs, []string{keepnettest.GroupAcmeFinanceEMEAID}) {
		t.Errorf("created %+v, want the password training for Finance EMEA, the repeated group once", e)
	}
	if e.TimeZoneID != "Turkey Standard Time" || e.UseOwnTimeZone {
		t.Errorf("time zone = %q (own %v), want the service's spelling", e.TimeZoneID, e.UseOwnTimeZone)
	}
	if !e.ScheduledDate.Equal(time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)) || !e.DueDate.Equal(time.Date(2026, 4, 30, 23, 59, 59, 0, time.UTC)) {
		t.Errorf("scheduled %v due %v, want the dates given", e.ScheduledDate, e.DueDate)
	}
	if !e.AwardCert || !e.MarkedAsTest {
		t.Errorf("certificate %v test %v, want both set", e.AwardCert, e.MarkedAsTest)
	}
	if res.Action != workflows.ActionCreate || res.ID != e.ID {
		t.Errorf("result = %+v", res)
	}
}

func TestPlanEnrollmentWritesNothing(t *testing.T) {
	srv, c := startEnrollFake(t)
	req := acmeRequest("Dry run only")
	req.AwardCertificate, req.CertificateSendType = true, "send after completion"
	plan, err := workflows.PlanEnrollment(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{keepnettest.RouteEnrollmentCreate, keepnettest.RouteEnrollmentSend} {
		if n := srv.RequestCount(route); n != 0 {
			t.Errorf("%s was called %d times by a plan", route, n)
		}
	}
	if plan.Training.ID != keepnettest.TrainingPhishingID || len(plan.Groups) != 2 || plan.Company.ID != keepnettest.CompanyAcmeID {
		t.Errorf("plan resolved %+v", plan)
	}
	var body map[string]any
	if err := json.Unmarshal(plan.CreateBody, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"trainingId": keepnettest.TrainingPhishingID, "name": "Dry run only",
		"targetGroupResourceIds":    []any{keepnettest.GroupAcmeFinanceID, keepnettest.GroupAcmeAllStaffID},
		"awardCertificate":          true,
		"certificateConfigSendType": "SendAfterCompletion",
		"markedAsTest":              false, "sendTeamsNotification": false,
	}
	gotJSON, _ := json.Marshal(body)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("create body = %s\nwant %s (no enrollmentScheduler key: send now)", gotJSON, wantJSON)
	}
	if !strings.Contains(plan.Intent(), "create") || !strings.Contains(plan.Intent(), "send it now") {
		t.Errorf("intent = %q", plan.Intent())
	}
}

func TestEnrollRerunChangesNothing(t *testing.T) {
	srv, c := startEnrollFake(t)
	req := acmeRequest("Quarterly phishing")
	first, err := workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	creates := srv.RequestCount(keepnettest.RouteEnrollmentCreate)
	// The same request again, and once more with the name in other case
	// and spacing: all the same enrollment.
	for _, name := range []string{req.Name, "  QUARTERLY Phishing "} {
		req.Name = name
		again, err := workflows.Enroll(context.Background(), c, req)
		if err != nil {
			t.Fatal(err)
		}
		if again.Action != workflows.ActionAlreadySent || again.ID != first.ID {
			t.Errorf("rerun as %q = %+v, want %s already sent", name, again, first.ID)
		}
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != creates {
		t.Errorf("reruns posted %d creates", n-creates)
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeID, "Quarterly phishing")
}

func TestEnrollNoSendThenResume(t *testing.T) {
	srv, c := startEnrollFake(t)
	req := acmeRequest("Created today, sent tomorrow")
	req.NoSend = true
	res, err := workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != workflows.ActionCreate || res.Status != keepnettest.StatusScheduled {
		t.Errorf("no-send run = %+v", res)
	}
	if res, err = workflows.Enroll(context.Background(), c, req); err != nil || res.Action != workflows.ActionLeaveScheduled {
		t.Errorf("no-send rerun = %+v, %v; want it left alone", res, err)
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentSend); n != 0 {
		t.Fatalf("no-send runs sent %d times", n)
	}
	req.NoSend = false
	res, err = workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	e := requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
	if res.Action != workflows.ActionResume || res.ID != e.ID || res.Status != keepnettest.StatusSending {
		t.Errorf("resume = %+v", res)
	}
}

func TestEnrollResumesAfterFailedSend(t *testing.T) {
	srv, c := startEnrollFake(t)
	req := acmeRequest("Send fails first")
	// The send is refused before the server acts on it: the run cannot
	// know that, rechecks, finds it still Scheduled, and says so.
	srv.SetFaults(keepnettest.Faults{BadGateway: 1, Routes: []string{keepnettest.RouteEnrollmentSend}})
	_, err := workflows.Enroll(context.Background(), c, req)
	if !errors.Is(err, keepnet.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "still Scheduled") {
		t.Fatalf("failing run: err = %v, want an unknown send outcome, still Scheduled", err)
	}
	if got := named(srv, keepnettest.CompanyAcmeID, req.Name); len(got) != 1 || got[0].SendCount != 0 {
		t.Fatalf("after the failing run: %+v, want one unsent enrollment", got)
	}
	srv.SetFaults(keepnettest.Faults{})
	res, err := workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	e := requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
	if res.Action != workflows.ActionResume || res.ID != e.ID {
		t.Errorf("rerun = %+v, want %s resumed", res, e.ID)
	}
}

func TestEnrollCommitThenFail(t *testing.T) {
	for _, route := range []string{keepnettest.RouteEnrollmentCreate, keepnettest.RouteEnrollmentSend} {
		t.Run(route, func(t *testing.T) {
			srv, c := startEnrollFake(t, keepnettest.WithCommitThenFail(route, 1))
			req := acmeRequest("Commit then fail")
			// The server did the work and answered 502: the run finds
			// what is really there and finishes from it.
			res, err := workflows.Enroll(context.Background(), c, req)
			if err != nil {
				t.Fatal(err)
			}
			e := requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
			if res.Action != workflows.ActionCreate || res.ID != e.ID || res.Status != keepnettest.StatusSending {
				t.Errorf("run = %+v", res)
			}
			if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 1 {
				t.Errorf("%d creates posted, want 1", n)
			}
			again, err := workflows.Enroll(context.Background(), c, req)
			if err != nil || again.Action != workflows.ActionAlreadySent {
				t.Errorf("rerun = %+v, %v; want already sent", again, err)
			}
			requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
		})
	}
}

func TestEnrollCreateLostThenRerun(t *testing.T) {
	srv, c := startEnrollFake(t)
	req := acmeRequest("Create lost at the edge")
	// A 502 before the server acted: nothing appears, so the run stops
	// rather than create blindly again.
	srv.SetFaults(keepnettest.Faults{BadGateway: 1, Routes: []string{keepnettest.RouteEnrollmentCreate}})
	_, err := workflows.Enroll(context.Background(), c, req)
	if !errors.Is(err, keepnet.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "probably not created") {
		t.Fatalf("err = %v, want an unknown create outcome, not created", err)
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 1 {
		t.Fatalf("%d creates posted, want 1: a create is never retried", n)
	}
	if got := named(srv, keepnettest.CompanyAcmeID, req.Name); len(got) != 0 {
		t.Fatalf("after a lost create: %+v", got)
	}
	srv.SetFaults(keepnettest.Faults{})
	// The rerun waits out the settle window, since the listing could be
	// lagging, says so, and then creates.
	var said []string
	req.Progress = func(w workflows.Wait) { said = append(said, w.Message) }
	if _, err := workflows.Enroll(context.Background(), c, req); err != nil {
		t.Fatal(err)
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
	if len(said) != 2 || !strings.Contains(said[0], "waiting until") || !strings.Contains(said[1], "creating it") {
		t.Errorf("rerun said %q, want that it waits, then that it creates", said)
	}
}

func TestEnrollConvergesUnderReadFaults(t *testing.T) {
	reads := []string{
		keepnettest.RouteCompaniesSearch, keepnettest.RouteEnrollmentsSearch, keepnettest.RouteEnrollmentGet,
		keepnettest.RouteEnrollmentForm, keepnettest.RouteTrainingsSearch, keepnettest.RouteTargetGroupsSearch,
		keepnettest.RouteTimeZones,
	}
	srv := specFake(t, keepnettest.WithFaults(keepnettest.Faults{
		TooManyRequestsBare: 0.15, BadGateway: 0.1, Unavailable: 0.1, Drop: 0.1, Routes: reads,
	}), keepnettest.WithPageSizeCap(2))
	t.Setenv(workflows.EnvStateDir, t.TempDir())
	// What is tested is enroll's convergence through retried reads, not
	// how the pace answers random 429s (pkg/keepnet's pace tests do):
	// without the pace's real-time waits the test takes a second, not 16.
	c := fakeClient(t, srv, keepnet.WithRetry(enrollRetry), keepnet.WithAdaptivePace(false))
	req := acmeRequest("Under fire")
	req.Schedule, req.TimeZone = "2026-05-04T08:00:00Z", "GMT Standard Time"
	for range 3 {
		if _, err := workflows.Enroll(context.Background(), c, req); err != nil {
			t.Fatal(err)
		}
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
	failed := 0
	for _, r := range srv.Requests() {
		if r.Status < 200 || r.Status >= 300 {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no read failed: the faults were not injected, so the test proves nothing")
	}
	if v := srv.SpecViolations(); len(v) > 0 {
		t.Errorf("spec violations: %v", v)
	}
}

func TestEnrollScopedToCompany(t *testing.T) {
	srv, c := startEnrollFake(t)
	// Globex and Acme each have a "Security Culture Survey"; Acme Europe
	// has none, so one is created there.
	req := workflows.EnrollRequest{
		Company: keepnettest.CompanyAcmeEuropeName, Training: keepnettest.TrainingSurveyName,
		Groups: []string{keepnettest.GroupAcmeEuropeAllID}, Name: keepnettest.SurveyName, Recheck: enrollRecheck,
	}
	res, err := workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != workflows.ActionCreate || res.Company.ID != keepnettest.CompanyAcmeEuropeID {
		t.Errorf("result = %+v, want created in Acme Manufacturing Europe", res)
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeEuropeID, keepnettest.SurveyName)
}

func TestEnrollExistingName(t *testing.T) {
	// "Phishing Fundamentals 2026" was sent in Acme for Finance and
	// Finance EMEA.
	base := workflows.EnrollRequest{
		Company: keepnettest.CompanyAcmeName, Training: keepnettest.TrainingPhishingName,
		Groups: []string{keepnettest.GroupFinanceName, keepnettest.GroupFinanceEMEAName},
		Name:   keepnettest.TrainingEnrollmentName, Recheck: enrollRecheck,
	}
	t.Run("same request: already sent", func(t *testing.T) {
		srv, c := startEnrollFake(t)
		res, err := workflows.Enroll(context.Background(), c, base)
		if err != nil || res.Action != workflows.ActionAlreadySent || res.ID != keepnettest.EnrollmentAcmeTrainingID {
			t.Errorf("= %+v, %v", res, err)
		}
		if len(srv.CreatedEnrollments()) != 0 {
			t.Error("created one")
		}
	})
	for name, change := range map[string]func(*workflows.EnrollRequest){
		"other training": func(r *workflows.EnrollRequest) { r.Training = keepnettest.TrainingPasswordName },
		"other groups":   func(r *workflows.EnrollRequest) { r.Groups = []string{keepnettest.GroupAllStaffName} },
	} {
		t.Run(name, func(t *testing.T) {
			srv, c := startEnrollFake(t)
			req := base
			change(&req)
			_, err := workflows.Enroll(context.Background(), c, req)
			var ie *workflows.InputError
			if !errors.As(err, &ie) || ie.Field != "name" || !strings.Contains(err.Error(), keepnettest.EnrollmentAcmeTrainingID) {
				t.Errorf("err = %v, want an InputError on the name naming %s", err, keepnettest.EnrollmentAcmeTrainingID)
			}
			if len(srv.CreatedEnrollments()) != 0 || srv.RequestCount(keepnettest.RouteEnrollmentSend) != 0 {
				t.Error("wrote despite the conflict")
			}
		})
	}
	t.Run("duplicate allowed", func(t *testing.T) {
		srv, c := startEnrollFake(t)
		req := base
		req.AllowDuplicate = true
		res, err := workflows.Enroll(context.Background(), c, req)
		if err != nil || res.Action != workflows.ActionCreate || res.ID == keepnettest.EnrollmentAcmeTrainingID {
			t.Errorf("= %+v, %v; want a new one", res, err)
		}
		if got := named(srv, keepnettest.CompanyAcmeID, base.Name); len(got) != 2 {
			t.Errorf("%d enrollments named so, want 2", len(got))
		}
	})
}

func TestPlanEnrollmentRejects(t *testing.T) {
	srv, c := startEnrollFake(t)
	for _, tc := range []struct {
		name         string
		change       func(*workflows.EnrollRequest)
		field, value string
		mentions     string
	}{
		{"ambiguous company", func(r *workflows.EnrollRequest) { r.Company = "acme" }, "company", "acme", keepnettest.CompanyAcmeEuropeID},
		{"unmanaged company", func(r *workflows.EnrollRequest) { r.Company = keepnettest.CompanyUnmanagedID }, "company", keepnettest.CompanyUnmanagedID, ""},
		{"unknown training", func(r *workflows.EnrollRequest) { r.Training = "Quantum Safety" }, "training", "Quantum Safety", ""},
		{"ambiguous training", func(r *workflows.EnrollRequest) { r.Training = "phishing fund" }, "training", "phishing fund", keepnettest.TrainingPhishingAdvID},
		{"unknown group", func(r *workflows.EnrollRequest) { r.Groups = []string{"Finance", "Marketing"} }, "group", "Marketing", ""},
		{"group of another company", func(r *workflows.EnrollRequest) { r.Groups = []string{keepnettest.GroupGlobexFinanceID} }, "group", keepnettest.GroupGlobexFinanceID, ""},
		{"unknown time zone", func(r *workflows.EnrollRequest) {
			r.Schedule, r.TimeZone = "2026-04-01T09:00:00Z", "Europe/Istanbul"
		}, "timezone", "Europe/Istanbul", "Turkey Standard Time"},
		{"certificate send type", func(r *workflows.EnrollRequest) {
			r.AwardCertificate, r.CertificateSendType = true, "By carrier pigeon"
		}, "certificate send type", "By carrier pigeon", "SendAfterCompletion"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := acmeRequest("Rejected")
			tc.change(&req)
			_, err := workflows.PlanEnrollment(context.Background(), c, req)
			var ie *workflows.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InputError", err)
			}
			if ie.Field != tc.field || ie.Value != tc.value || !strings.Contains(err.Error(), tc.mentions) {
				t.Errorf("err = %v; want field %q value %q mentioning %q", err, tc.field, tc.value, tc.mentions)
			}
		})
	}
	if len(srv.CreatedEnrollments()) != 0 {
		t.Error("a rejected plan created an enrollment")
	}
}
