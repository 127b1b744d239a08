package workflows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// A window pulls every survey enrollment started in it, whatever its name,
// in every company; a company without one is skipped, saying why.
func TestSurveyResultsByWindowAcrossCompanies(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(9))
	c := fakeClient(t, srv)
	since := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, time.January, 13, 0, 0, 0, 0, time.UTC)
	// One survey more in the first customer, named otherwise, started in
	// the window; the customers' own surveys start 7 h apart from the
	// seeded clock on, so the window's end leaves some out.
	extra := srv.AddSurvey(keepnettest.CustomerID(1), "Remote Work Pulse", 5)
	pull, records, failed := pullSurveys(t, c, workflows.SurveyRequest{
		Companies: workflows.CompanySelection{All: true}, Since: since, Until: until, Concurrency: 4,
	})
	if len(failed) > 0 || pull.Err() != nil {
		t.Fatalf("failed %v, err %v", failed, pull.Err())
	}
	want := map[string]bool{}
	for _, e := range srv.Enrollments() {
		if e.Type == "Survey" && !e.StartDate.Before(since) && e.StartDate.Before(until) {
			want[e.ID] = true
		}
	}
	if !want[extra.ID] {
		t.Fatalf("the test needs the extra survey (start %v) in the window", extra.StartDate)
	}
	got := map[string]bool{}
	for _, s := range pull.Sources {
		got[s.ID] = true
		if s.Summary == nil || s.Details == nil {
			t.Errorf("survey %s has no summary or details", s.ID)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("sources %v, want %v", got, want)
	}
	for id := range want {
		if !got[id] {
			t.Errorf("survey %s started in the window is not pulled", id)
		}
	}
	users := map[string]int{}
	for _, r := range records {
		users[r.EnrollmentID]++
	}
	for id := range want {
		n := 0
		for range srv.Users(id) {
			n++
		}
		if users[id] != n {
			t.Errorf("survey %s: %d records, the fake has %d users", id, users[id], n)
		}
	}
	if len(pull.Skipped) == 0 {
		t.Error("no company was skipped; the test needs one without a survey in the window")
	}
	for _, s := range pull.Skipped {
		if !strings.Contains(s.Skipped, "no survey enrollment started in the window") {
			t.Errorf("skipped %s: %q", s.Company.Name, s.Skipped)
		}
	}
}

func TestSurveyWindowOrName(t *testing.T) {
	c := fakeClient(t, specFake(t))
	now := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	for _, req := range []workflows.SurveyRequest{
		{Enrollment: keepnettest.SurveyName, Since: now},
		{Since: now, Until: now},
	} {
		req.Companies = workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName}}
		_, err := workflows.OpenSurveyResults(context.Background(), c, req)
		var ie *workflows.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%+v: %v, want an InputError", req, err)
		}
	}
}
