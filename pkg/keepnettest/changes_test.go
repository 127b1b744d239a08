package keepnettest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// A survey's users change while a client pages: one pass misses rows or
// reads some twice, a pass after the change reads exactly the world's
// truth, and every user of that truth, added ones included, is usable.
func TestUsersListingChangesWhilePaged(t *testing.T) {
	s := newServer(t, keepnettest.WithUsers(250), keepnettest.WithListingChanges(keepnettest.ListingChange{
		Route: keepnettest.RouteReportUsersSearch, AfterPage: 1, Add: 5, Remove: 3, Move: 4,
	}))
	tok := token(t, s)
	l := usersListing(keepnettest.EnrollmentAcmeSurveyID, keepnettest.CompanyAcmeID)

	during := l.pass(t, s, tok, 100)
	var truth []string
	for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
		truth = append(truth, u.ID)
	}
	if len(truth) != 252 {
		t.Fatalf("the world has %d users after the change, want 250 + 5 - 3", len(truth))
	}
	if sameSet(during, truth) && distinct(during) == len(during) {
		t.Error("the pass during the change read the truth exactly: nothing moved under it")
	}
	missed := 0
	for _, id := range truth {
		if !slices.Contains(during, id) {
			missed++
		}
	}
	if missed == 0 {
		t.Error("the pass during the change missed no user")
	}
	after := l.pass(t, s, tok, 100)
	if !sameSet(after, truth) || len(after) != len(truth) {
		t.Errorf("the pass after the change read %d users (%d distinct), want the %d of the truth", len(after), distinct(after), len(truth))
	}

	applied := s.AppliedChanges()
	if len(applied) != 1 || len(applied[0].Added) != 5 || len(applied[0].Removed) != 3 || len(applied[0].Moved) != 4 ||
		applied[0].Listing != keepnettest.EnrollmentAcmeSurveyID || applied[0].PageSize != 100 {
		t.Fatalf("applied %+v", applied)
	}
	for _, id := range applied[0].Removed {
		if slices.Contains(truth, id) {
			t.Errorf("removed user %s is still in Users", id)
		}
	}
	base := "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID
	for _, id := range applied[0].Added {
		if !slices.Contains(truth, id) {
			t.Errorf("added user %s is not in Users", id)
		}
		for _, path := range []string{base + "/interactions/" + id, base + "/exam-result-sessions/" + id} {
			if r := raw(t, s, tok, "GET", path, "", "", l.scope...); r.status != 200 {
				t.Errorf("GET %s: %d", path, r.status)
			}
		}
	}
	var summary struct {
		Data struct {
			ReportDetail struct {
				TotalTargetUserCount int `json:"totalTargetUserCount"`
			} `json:"reportDetail"`
		} `json:"data"`
	}
	decode(t, raw(t, s, tok, "GET", base+"/summary?trainingType=0", "", "", l.scope...), &summary)
	if n := summary.Data.ReportDetail.TotalTargetUserCount; n != 252 {
		t.Errorf("the summary says %d users, want 252", n)
	}
}

// Companies change as customers are added and leave; an added customer is
// a whole one, scoped calls to it work.
func TestCompaniesListingChangesWhilePaged(t *testing.T) {
	s := newServer(t, keepnettest.WithCustomers(150), keepnettest.WithListingChanges(keepnettest.ListingChange{
		Route: keepnettest.RouteCompaniesSearch, AfterPage: 1, Add: 2, Remove: 1, Move: 2,
	}))
	tok := token(t, s)
	during := companiesListing.pass(t, s, tok, 100)
	var truth []string
	for _, c := range s.Companies() {
		if c.Managed {
			truth = append(truth, c.ID)
		}
	}
	if len(truth) != 154 {
		t.Fatalf("%d customers after the change, want 153 + 2 - 1", len(truth))
	}
	if sameSet(during, truth) {
		t.Error("the pass during the change read the truth exactly")
	}
	if after := companiesListing.pass(t, s, tok, 100); !sameSet(after, truth) || len(after) != len(truth) {
		t.Errorf("the pass after the change read %d (%d distinct), want %d", len(after), distinct(after), len(truth))
	}
	applied := s.AppliedChanges()[0]
	for _, id := range applied.Added {
		l := listing{keepnettest.RouteTargetGroupsSearch, groupsListing.path, "resourceId", both(id)}
		if ids, _ := l.page(t, s, tok, 1, 10); len(ids) == 0 {
			t.Errorf("added customer %s has no groups", id)
		}
	}
	for _, c := range s.Companies() {
		if c.ID == applied.Removed[0] {
			t.Errorf("removed company %s is still in Companies", c.ID)
		}
	}
}

// The smaller listings change the same way, and after the change a pass
// reads exactly what the world's inspection says.
func TestOtherListingsChangeWhilePaged(t *testing.T) {
	cases := []struct {
		l     listing
		truth func(*keepnettest.Server) []string
	}{
		{enrollmentsListing, func(s *keepnettest.Server) (ids []string) {
			for _, e := range s.Enrollments() {
				if e.CompanyID == keepnettest.CompanyAcmeID && e.Status != keepnettest.StatusArchived {
					ids = append(ids, e.ID)
				}
			}
			return ids
		}},
		{groupsListing, func(s *keepnettest.Server) (ids []string) {
			for _, g := range s.Groups(keepnettest.CompanyAcmeID) {
				ids = append(ids, g.ID)
			}
			return ids
		}},
		{trainingsListing, func(s *keepnettest.Server) (ids []string) {
			for _, tr := range s.Trainings() {
				ids = append(ids, tr.ID)
			}
			return ids
		}},
	}
	for _, c := range cases {
		t.Run(c.l.path, func(t *testing.T) {
			s := newServer(t, keepnettest.WithListingChanges(keepnettest.ListingChange{
				Route: c.l.route, AfterPage: 1, Add: 1, Remove: 1, Move: 1,
			}))
			tok := token(t, s)
			before := c.truth(s)
			c.l.pass(t, s, tok, 1)
			truth := c.truth(s)
			applied := s.AppliedChanges()
			if len(applied) != 1 || len(applied[0].Added) != 1 || len(applied[0].Removed) != 1 || len(applied[0].Moved) != 1 {
				t.Fatalf("applied %+v", applied)
			}
			if len(truth) != len(before) || !slices.Contains(truth, applied[0].Added[0]) || slices.Contains(truth, applied[0].Removed[0]) {
				t.Errorf("truth %v after %+v, before %v", truth, applied[0], before)
			}
			after := c.l.pass(t, s, tok, 1)
			if !slices.Equal(after, truth) {
				t.Errorf("a pass after the change read %v, want %v", after, truth)
			}
		})
	}
}

// A change aimed at one listing leaves the others alone, and the same
// options change the same rows on every run.
func TestListingChangesAreAimedAndRepeatable(t *testing.T) {
	run := func() []keepnettest.AppliedChange {
		s := newServer(t, keepnettest.WithCustomers(5), keepnettest.WithListingChanges(keepnettest.ListingChange{
			Route: keepnettest.RouteReportUsersSearch, Listing: keepnettest.CustomerSurveyID(2), AfterPage: 2, Remove: 2, Move: 2, Add: 1,
		}))
		tok := token(t, s)
		usersListing(keepnettest.EnrollmentAcmeSurveyID, keepnettest.CompanyAcmeID).pass(t, s, tok, 10)
		if n := len(s.AppliedChanges()); n != 0 {
			t.Fatalf("paging another survey applied %d changes", n)
		}
		usersListing(keepnettest.CustomerSurveyID(2), keepnettest.CustomerID(2)).pass(t, s, tok, 10)
		return s.AppliedChanges()
	}
	a, b := run(), run()
	if len(a) != 1 || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("two runs changed\n%+v\n%+v", a, b)
	}
}

// A client may decode a page and ask for the next before the fake's
// handler has returned: the change is made before any byte of the page
// that triggers it is sent.
func TestListingChangeIsMadeBeforeItsPageIsSent(t *testing.T) {
	s := newServer(t, keepnettest.WithCustomers(150), keepnettest.WithListingChanges(keepnettest.ListingChange{
		Route: keepnettest.RouteCompaniesSearch, AfterPage: 1, Add: 1,
	}))
	tok := token(t, s)
	resp, err := send(t, context.Background(), s.Client(), s, tok, "POST", "/api/companies/search", searchBody(1, 100, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page searchReply
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	if len(page.Data.Results) != 100 || len(s.AppliedChanges()) != 1 {
		t.Errorf("page 1 decoded with %d rows, %d changes made; want 100 and the change", len(page.Data.Results), len(s.AppliedChanges()))
	}
}
