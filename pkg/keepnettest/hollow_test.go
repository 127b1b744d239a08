package keepnettest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// surveyPage asks Acme's survey for page of 10 users.
func surveyPage(t *testing.T, s *keepnettest.Server, tok string, page int) reply {
	t.Helper()
	return raw(t, s, tok, "POST", "/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/users/search",
		"application/json", searchBody(page, 10, ""), both(keepnettest.CompanyAcmeID)...)
}

func TestHollowAnswersOnlyTheChosenRouteAndPageWithinItsBudget(t *testing.T) {
	var usersData struct {
		Data *struct {
			TotalNumberOfRecords int               `json:"totalNumberOfRecords"`
			Results              []json.RawMessage `json:"results"`
		} `json:"data"`
	}
	cases := []struct {
		kind        keepnettest.HollowKind
		contentType string
		// hollow reports whether a page-2 reply is this kind's hollow body;
		// full is the same page without the fault.
		hollow func(t *testing.T, r reply, full string) bool
	}{
		{keepnettest.HollowHTML, "text/html", func(t *testing.T, r reply, _ string) bool {
			return strings.HasPrefix(r.body, "<!DOCTYPE html>")
		}},
		{keepnettest.HollowDataNull, "application/json", func(t *testing.T, r reply, _ string) bool {
			var env map[string]any
			decode(t, r, &env)
			data, present := env["data"]
			return present && data == nil && env["status"] == "SUCCESS"
		}},
		{keepnettest.HollowResultsNull, "application/json", func(t *testing.T, r reply, _ string) bool {
			usersData.Data = nil
			decode(t, r, &usersData)
			return usersData.Data != nil && usersData.Data.Results == nil && usersData.Data.TotalNumberOfRecords == 25 &&
				strings.Contains(r.body, `"results":null`)
		}},
		{keepnettest.HollowEmptyBody, "application/json", func(t *testing.T, r reply, _ string) bool {
			return r.body == ""
		}},
		{keepnettest.HollowTextPlainJSON, "text/plain", func(t *testing.T, r reply, full string) bool {
			return r.body == full
		}},
	}
	for _, c := range cases {
		t.Run(c.kind.String(), func(t *testing.T) {
			plain := newServer(t, keepnettest.WithUsers(25))
			full := surveyPage(t, plain, token(t, plain), 2).body

			s := newServer(t, keepnettest.WithUsers(25),
				keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteReportUsersSearch, Kind: c.kind, Times: 2, Page: 2}))
			tok := token(t, s)
			isHollow := func(r reply) bool {
				return r.status == 200 && strings.HasPrefix(r.header.Get("Content-Type"), c.contentType) && c.hollow(t, r, full)
			}
			if r := surveyPage(t, s, tok, 1); isHollow(r) || r.status != 200 {
				t.Errorf("page 1 went hollow or failed: %d %s", r.status, r.body)
			}
			for i := range 2 {
				if r := surveyPage(t, s, tok, 2); !isHollow(r) {
					t.Errorf("page 2, request %d: %d %q %s, want %s", i+1, r.status, r.header.Get("Content-Type"), r.body, c.kind)
				}
			}
			if r := surveyPage(t, s, tok, 2); r.body != full || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Errorf("page 2 after the budget of 2: %q %s, want the full page", r.header.Get("Content-Type"), r.body)
			}
			companies := raw(t, s, tok, "POST", "/api/companies/search", "application/json", searchBody(2, 1, ""))
			if !strings.Contains(companies.body, `"results":[{`) {
				t.Errorf("companies/search page 2 went hollow too: %s", companies.body)
			}
			if n := s.HollowServed(keepnettest.RouteReportUsersSearch); n != 2 {
				t.Errorf("HollowServed = %d, want 2", n)
			}
		})
	}
}

func TestHollowAfterTheEndpointDidItsWork(t *testing.T) {
	s := newServer(t, keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteEnrollmentCreate, Kind: keepnettest.HollowDataNull}))
	body := `{"trainingId":"` + keepnettest.TrainingPhishingID + `","name":"Hollow create","targetGroupResourceIds":["` + keepnettest.GroupAcmeFinanceID + `"]}`
	r := raw(t, s, token(t, s), "POST", "/api/enrollments", "application/json", body, both(keepnettest.CompanyAcmeID)...)
	if r.status != 201 || !strings.Contains(r.body, `"data":null`) {
		t.Errorf("create: %d %s, want 201 with data null", r.status, r.body)
	}
	if n := len(s.CreatedEnrollments()); n != 1 {
		t.Errorf("a hollow create created %d enrollments, want 1", n)
	}
}

func TestHollowSpendsNoBudgetOnErrors(t *testing.T) {
	s := newServer(t, keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteEnrollmentGet, Kind: keepnettest.HollowHTML, Times: 1}))
	tok := token(t, s)
	get := func(id string) reply {
		return raw(t, s, tok, "GET", "/api/enrollments/"+id, "", "", both(keepnettest.CompanyAcmeID)...)
	}
	if r := get("e7Nowhere000"); r.status != 404 || !strings.Contains(r.body, "NOT_FOUND") {
		t.Errorf("unknown enrollment: %d %s, want the 404 envelope", r.status, r.body)
	}
	if r := get(keepnettest.EnrollmentAcmeSurveyID); r.status != 200 || !strings.HasPrefix(r.body, "<!DOCTYPE html>") {
		t.Errorf("first success: %d %s, want the hollow HTML page", r.status, r.body)
	}
}

func TestSetHollowAndClearHollowAtRunTime(t *testing.T) {
	s := newServer(t, keepnettest.WithUsers(25))
	tok := token(t, s)
	s.SetHollow(keepnettest.Hollow{Route: keepnettest.RouteReportUsersSearch, Kind: keepnettest.HollowEmptyBody})
	for page := 1; page <= 3; page++ {
		if r := surveyPage(t, s, tok, page); r.status != 200 || r.body != "" {
			t.Errorf("page %d under SetHollow: %d %s, want an empty 200", page, r.status, r.body)
		}
	}
	s.ClearHollow(keepnettest.RouteReportUsersSearch)
	if r := surveyPage(t, s, tok, 1); !strings.Contains(r.body, `"results":[{`) {
		t.Errorf("after ClearHollow: %s, want the page", r.body)
	}
	if n := s.HollowServed(keepnettest.RouteReportUsersSearch); n != 3 {
		t.Errorf("HollowServed = %d, want 3", n)
	}
}

func TestHollowUnderDrift(t *testing.T) {
	s := newServer(t, keepnettest.WithUsers(25), keepnettest.WithTypeDrift(2),
		keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteReportUsersSearch, Kind: keepnettest.HollowResultsNull}))
	r := surveyPage(t, s, token(t, s), 1)
	var env struct {
		Data map[string]any `json:"data"`
	}
	decode(t, r, &env)
	if results, ok := env.Data["results"]; !ok || results != nil || env.Data["totalNumberOfRecords"] != "25" {
		t.Errorf("drifted hollow page: %s, want results null and the total as a drifted string", r.body)
	}
}
