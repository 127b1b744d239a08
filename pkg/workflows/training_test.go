package workflows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// pulled is a whole pull's records and the company errors yielded on the
// way.
type pulled[R any] struct {
	*workflows.Pull[R]
	records []R
	failed  []*workflows.CompanyError
}

// pullWhole ranges over a pull to its end; an error that is not a company's
// fails the test.
func pullWhole[R any](t *testing.T, p *workflows.Pull[R], err error) pulled[R] {
	t.Helper()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	out := pulled[R]{Pull: p}
	for r, err := range p.Records(context.Background()) {
		var ce *workflows.CompanyError
		switch {
		case errors.As(err, &ce):
			out.failed = append(out.failed, ce)
		case err != nil:
			t.Fatalf("Records: %v", err)
		default:
			out.records = append(out.records, r)
		}
	}
	return out
}

func pullTraining(t *testing.T, c *keepnet.Client, req workflows.TrainingRequest) pulled[workflows.TrainingRecord] {
	t.Helper()
	p, err := workflows.OpenTrainingResults(context.Background(), c, req)
	return pullWhole(t, p, err)
}

// sameDate reports whether a date the service sent is t, to the second,
// read in the company's day/month order.
func sameDate(got keepnetdate.Time, want time.Time, order keepnetdate.Order) bool {
	if want.IsZero() {
		return got.IsZero()
	}
	g, err := got.ParseAs(order, time.UTC)
	return err == nil && g.Truncate(time.Second).Equal(want.Truncate(time.Second))
}

// requireTrainingRecords checks records against the fake's users of the
// enrollment, field by field: each user once, in the fake's order unless
// the listing changed while it was read (users found by a later pass come
// after the others).
func requireTrainingRecords(t *testing.T, srv *keepnettest.Server, records []workflows.TrainingRecord, src *workflows.Source, inOrder bool) {
	t.Helper()
	enrollmentID, dayMonth := src.ID, src.Dates.Order
	e, ok := srv.Enrollment(enrollmentID)
	if !ok {
		t.Fatalf("no enrollment %s", enrollmentID)
	}
	var order []string
	users := map[string]keepnettest.TrainingUser{}
	for u := range srv.TrainingUsers(enrollmentID) {
		order = append(order, u.ID)
		users[u.ID] = u
	}
	var got []string
	for i, r := range records {
		got = append(got, r.TargetUserResourceID)
		want, ok := users[r.TargetUserResourceID]
		if !ok {
			t.Errorf("record %d: user %s is not in %s", i, r.TargetUserResourceID, enrollmentID)
			continue
		}
		if r.EnrollmentID != enrollmentID || r.EnrollmentName != e.Name || r.EnrollmentType != e.Type || r.CompanyID != e.CompanyID {
			t.Errorf("record %d names %s/%s %q %s, want %s/%s %q %s", i, r.CompanyID, r.EnrollmentID, r.EnrollmentName, r.EnrollmentType, e.CompanyID, e.ID, e.Name, e.Type)
		}
		if !sameDate(r.DueDate, e.DueDate, dayMonth) || r.StartDate.IsZero() {
			t.Errorf("record %d due %q, start %q; want due %v", i, r.DueDate, r.StartDate, e.DueDate)
		}
		if r.Email != want.Email || r.FirstName != want.FirstName || r.LastName != want.LastName || r.Department != want.Department ||
			r.Status != want.Status || r.CurrentStep != want.CurrentStep || r.ExamStatusName != want.ExamStatus {
			t.Errorf("record %d = %+v, want %+v", i, r, want)
		}
		if (r.ExamScore != nil) != want.HasExamScore || r.ExamScore != nil && *r.ExamScore != want.ExamScore {
			t.Errorf("user %s exam score %v, want %v (%v)", want.ID, r.ExamScore, want.ExamScore, want.HasExamScore)
		}
		if !sameDate(r.FirstCompletionDate, want.FirstCompletion, dayMonth) || r.LastInteractionDate.IsZero() != want.LastInteraction.IsZero() {
			t.Errorf("user %s dates %q / %q, want %v / %v", want.ID, r.FirstCompletionDate, r.LastInteractionDate, want.FirstCompletion, want.LastInteraction)
		}
		if r.Error != "" {
			t.Errorf("user %s: error %q in a fault-free run", want.ID, r.Error)
		}
	}
	switch {
	case inOrder && strings.Join(got, ",") != strings.Join(order, ","):
		t.Errorf("records of %s are not the fake's %d users in its order: %d records", enrollmentID, len(order), len(got))
	case !sameSet(got, order):
		t.Errorf("records of %s are not the fake's %d users, each once: %d records", enrollmentID, len(order), len(got))
	}
}

func TestTrainingResultsReportWhatTheServerHolds(t *testing.T) {
	srv := specFake(t, keepnettest.WithTrainingUsers(60), keepnettest.WithPageSizeCap(25))
	c := fakeClient(t, srv)
	for _, tt := range []struct {
		company, enrollment, id string
	}{
		{keepnettest.CompanyAcmeName, keepnettest.TrainingEnrollmentName, keepnettest.EnrollmentAcmeTrainingID},                 // no due date
		{keepnettest.CompanyGlobexID, keepnettest.EnrollmentGlobexTrainingID, keepnettest.EnrollmentGlobexTrainingID},           // by ID, due
		{keepnettest.CompanyAcmeEuropeName, "security onboarding", keepnettest.EnrollmentAcmeEuropePathID},                      // a learning path
		{keepnettest.CompanyGlobexName, keepnettest.EnrollmentGlobexInfographicName, keepnettest.EnrollmentGlobexInfographicID}, // no exam
	} {
		t.Run(tt.enrollment, func(t *testing.T) {
			p := pullTraining(t, c, workflows.TrainingRequest{Companies: in(tt.company), Enrollments: []string{tt.enrollment},
				Types: []string{"SCORM", "learningpath", "Infographic"}, Concurrency: 4})
			if len(p.failed) > 0 || p.Err() != nil {
				t.Fatalf("failed %v, err %v", p.failed, p.Err())
			}
			if len(p.Sources) != 1 || p.Sources[0].ID != tt.id || p.Sources[0].Summary == nil || p.Sources[0].Details == nil {
				t.Fatalf("sources %+v, want %s with its details and summary", p.Sources, tt.id)
			}
			if n := p.Sources[0].Total(); n != len(p.records) {
				t.Errorf("Total() = %d for %d records", n, len(p.records))
			}
			requireTrainingRecords(t, srv, p.records, p.Sources[0], true)
			if o := p.Outcomes(); len(o) != 1 || len(o[0].Notices) > 0 || o[0].Complete != len(p.records) {
				t.Errorf("outcomes %+v, want one company, complete, without notices", o)
			}
		})
	}
}

// TestTrainingResultsNeedNoRequestPerUser: a training record is its row.
func TestTrainingResultsNeedNoRequestPerUser(t *testing.T) {
	srv := specFake(t, keepnettest.WithTrainingUsers(250))
	p := pullTraining(t, fakeClient(t, srv), workflows.TrainingRequest{Companies: in(keepnettest.CompanyAcmeID), Enrollments: []string{keepnettest.TrainingEnrollmentName}})
	if len(p.records) != 250 {
		t.Fatalf("%d records, want 250", len(p.records))
	}
	counts := srv.RouteCounts()
	if n := counts[keepnettest.RouteReportUsersSearch]; n != 3 {
		t.Errorf("%d users/search requests for 250 users, want 3", n)
	}
	for _, route := range []string{keepnettest.RouteReportInteractions, keepnettest.RouteReportExamSessions} {
		if counts[route] != 0 {
			t.Errorf("%d requests to %s", counts[route], route)
		}
	}
}

// quarter is a window that holds every seeded training start (January
// 2026) but none of the customers' older ones.
var quarter = workflows.TrainingRequest{
	Since: time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC),
	Until: time.Date(2026, time.April, 1, 0, 0, 0, 0, time.UTC),
}

func TestTrainingResultsByWindowAcrossCompanies(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(12))
	c := fakeClient(t, srv)
	req := quarter
	req.Companies = workflows.CompanySelection{All: true}
	req.Types = []string{"SCORM", "LearningPath", "Infographic"}
	req.Concurrency = 6
	p := pullTraining(t, c, req)
	if len(p.failed) > 0 || p.Err() != nil {
		t.Fatalf("failed %v, err %v", p.failed, p.Err())
	}
	// What the window must hold: every training the fake has that started
	// in it, company by company in the companies' order.
	companies, err := workflows.ListCompanies(context.Background(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	skipped := map[string]bool{}
	for _, co := range companies {
		n := 0
		for _, e := range srv.TrainingEnrollments(co.ID) {
			if !e.StartDate.Before(req.Since) && e.StartDate.Before(req.Until) {
				want = append(want, e.ID)
				n++
			}
		}
		if n == 0 {
			skipped[co.ID] = true
		}
	}
	var got []string
	for _, s := range p.Sources {
		got = append(got, s.ID)
	}
	if !sameSet(got, want) || len(got) != len(want) {
		t.Fatalf("sources %v, want %v", got, want)
	}
	if len(p.Skipped) != len(skipped) || len(skipped) == 0 {
		t.Errorf("skipped %d companies, want %d (the test needs some)", len(p.Skipped), len(skipped))
	}
	for _, s := range p.Skipped {
		if !skipped[s.Company.ID] || !strings.Contains(s.Skipped, "no SCORM or LearningPath or Infographic training enrollment started in the window") {
			t.Errorf("skipped %s: %q", s.Company.Name, s.Skipped)
		}
	}
	// Each source's records are its users, in order, named for it.
	for _, s := range p.Sources {
		var mine []workflows.TrainingRecord
		for _, r := range p.records {
			if r.EnrollmentID == s.ID {
				mine = append(mine, r)
			}
		}
		requireTrainingRecords(t, srv, mine, s, true)
	}
	// Records come source by source.
	for i := 1; i < len(p.records); i++ {
		if p.records[i].EnrollmentID != p.records[i-1].EnrollmentID {
			for _, r := range p.records[i+1:] {
				if r.EnrollmentID == p.records[i-1].EnrollmentID {
					t.Fatalf("records of %s resume after another enrollment's", r.EnrollmentID)
				}
			}
		}
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestOpenTrainingResultsInputErrors(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv)
	acme := in(keepnettest.CompanyAcmeName)
	all := workflows.CompanySelection{All: true}
	tests := []struct {
		name string
		req  workflows.TrainingRequest
		want []string
	}{
		{"typo", workflows.TrainingRequest{Companies: acme, Enrollments: []string{"Phishing Fundamentls 2026"}},
			[]string{`enrollment "Phishing Fundamentls 2026"`, "matches no enrollment", "did you mean", keepnettest.EnrollmentAcmeTrainingID}},
		{"a survey", workflows.TrainingRequest{Companies: acme, Enrollments: []string{keepnettest.SurveyName}},
			[]string{keepnettest.CompanyAcmeName, "a Survey enrollment, not a SCORM training"}},
		{"an infographic, as SCORM", workflows.TrainingRequest{Companies: in(keepnettest.CompanyGlobexName), Enrollments: []string{keepnettest.EnrollmentGlobexInfographicName}},
			[]string{"an Infographic enrollment, not a SCORM training"}},
		{"in no company", workflows.TrainingRequest{Companies: all, Enrollments: []string{"Onboarding Quiz 2030"}},
			[]string{`enrollment "Onboarding Quiz 2030"`, "no SCORM training enrollment in any of the 3 companies"}},
		{"named company without it", workflows.TrainingRequest{Companies: workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName}}, Enrollments: []string{keepnettest.TrainingEnrollmentName}},
			[]string{keepnettest.CompanyGlobexName, "matches no enrollment"}},
		{"names and a window", workflows.TrainingRequest{Companies: acme, Enrollments: []string{"x"}, Since: quarter.Since},
			[]string{"cannot be combined with a window"}},
		{"neither", workflows.TrainingRequest{Companies: acme}, []string{"enrollment", "is missing"}},
		{"empty name", workflows.TrainingRequest{Companies: acme, Enrollments: []string{" "}}, []string{"enrollment", "is empty"}},
		{"empty window", workflows.TrainingRequest{Companies: acme, Since: quarter.Until, Until: quarter.Since}, []string{"until", "is not after since"}},
		{"survey type", workflows.TrainingRequest{Companies: acme, Since: quarter.Since, Types: []string{"survey"}}, []string{`type "survey"`, "not a training type"}},
		{"unknown type", workflows.TrainingRequest{Companies: acme, Since: quarter.Since, Types: []string{"Video"}}, []string{`type "Video"`, "LearningPath"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, err := workflows.OpenTrainingResults(context.Background(), c, tt.req)
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

// TestTrainingResultsAcrossCompaniesByName: in a pull from all companies,
// those without the enrollment are skipped with the reason, the others
// pulled; two names of one enrollment pull it once.
func TestTrainingResultsAcrossCompaniesByName(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(5), keepnettest.WithCustomerTraining(1, 30))
	p := pullTraining(t, fakeClient(t, srv), workflows.TrainingRequest{
		Companies:   workflows.CompanySelection{All: true},
		Enrollments: []string{"Phishing Basics 2026", "phishing basics"},
	})
	if len(p.Sources) != 5 || len(p.records) != 150 || p.Err() != nil {
		t.Fatalf("%d sources, %d records, err %v; want every customer's 30 users", len(p.Sources), len(p.records), p.Err())
	}
	if len(p.Skipped) != 3 {
		t.Errorf("skipped %+v, want the three seeded companies", p.Skipped)
	}
	for _, s := range p.Skipped {
		if !strings.Contains(s.Skipped, "matches no enrollment") {
			t.Errorf("%s skipped as %q", s.Company.Name, s.Skipped)
		}
	}
}

// TestTrainingSummaryDisagreementIsANotice: users added to the enrollment
// while it is listed leave the summary (read first) counting fewer than
// the users listed: the pull says so, and every record stands.
func TestTrainingSummaryDisagreementIsANotice(t *testing.T) {
	srv := specFake(t, keepnettest.WithTrainingUsers(240), keepnettest.WithListingChanges(keepnettest.ListingChange{
		Route: keepnettest.RouteReportUsersSearch, Listing: keepnettest.EnrollmentAcmeTrainingID, AfterPage: 1, Add: 3,
	}))
	p := pullTraining(t, fakeClient(t, srv), workflows.TrainingRequest{Companies: in(keepnettest.CompanyAcmeID), Enrollments: []string{keepnettest.TrainingEnrollmentName}})
	if len(srv.AppliedChanges()) != 1 {
		t.Fatal("the listing did not change: the test proves nothing")
	}
	if len(p.failed) > 0 || p.Err() != nil {
		t.Fatalf("failed %v, err %v", p.failed, p.Err())
	}
	requireTrainingRecords(t, srv, p.records, p.Sources[0], false) // every user now there, once
	notices := p.Outcomes()[0].Notices
	if len(notices) != 1 || !strings.Contains(notices[0], "240 target users") || !strings.Contains(notices[0], "243 target users") ||
		!strings.Contains(notices[0], keepnettest.EnrollmentAcmeTrainingID) || len(p.Sources[0].Notices()) != 1 {
		t.Errorf("notices %q, want the summary's 240 users against the 243 listed", notices)
	}
}
