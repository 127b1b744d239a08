package keepnettest_test

import (
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

type searchReply struct {
	Data struct {
		PageNumber           int              `json:"pageNumber"`
		PageSize             int              `json:"pageSize"`
		TotalNumberOfPages   int              `json:"totalNumberOfPages"`
		TotalNumberOfRecords int              `json:"totalNumberOfRecords"`
		Results              []map[string]any `json:"results"`
	} `json:"data"`
	Status string `json:"status"`
}

func TestUnmanagedCompanyIsAPrivacyError(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	for _, id := range []string{keepnettest.CompanyUnmanagedID, "k3DoesNotExi"} {
		r := raw(t, s, tok, "POST", "/api/target-groups/search/current-company", "application/json", minimalSearch, both(id)...)
		var body map[string]any
		decode(t, r, &body)
		if r.status != 403 || body["status"] != "PRIVACY_ERROR" {
			t.Errorf("company %s: status %d body %s, want 403 PRIVACY_ERROR", id, r.status, r.body)
		}
		if _, capital := body["Message"]; !capital {
			t.Errorf("company %s: body %s, want the capitalised \"Message\" key", id, r.body)
		}
	}
}

func TestEitherCompanyHeaderScopesACall(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	for _, header := range []string{"X-KEEPNET-Company-Id", "x-ir-company-id"} {
		r := raw(t, s, tok, "POST", "/api/target-groups/search/current-company", "application/json", minimalSearch,
			header, keepnettest.CompanyGlobexID)
		var got searchReply
		decode(t, r, &got)
		for _, g := range got.Data.Results {
			if g["companyName"] != keepnettest.CompanyGlobexName {
				t.Errorf("%s only: group %v of another company", header, g)
			}
		}
		if r.status != 200 || len(got.Data.Results) != 2 {
			t.Errorf("%s only: status %d, %d groups, want 200 and Globex's 2", header, r.status, len(got.Data.Results))
		}
	}
}

func TestEnrollmentSearchWithOneCompanyHeaderIs404(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	for _, header := range []string{"X-KEEPNET-Company-Id", "x-ir-company-id"} {
		r := raw(t, s, tok, "POST", "/api/enrollments/search", "application/json", minimalSearch, header, keepnettest.CompanyAcmeID)
		if r.status != 404 {
			t.Errorf("enrollments/search with only %s: status %d, want 404", header, r.status)
		}
	}
	r := raw(t, s, tok, "POST", "/api/enrollments/search", "application/json", minimalSearch, both(keepnettest.CompanyAcmeID)...)
	if r.status != 200 {
		t.Errorf("enrollments/search with both headers: status %d, want 200", r.status)
	}
}

func TestUnscopedEnrollmentSearchMixesCompanies(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	body := `{"pageNumber":1,"pageSize":50,"orderBy":"CreateTime","ascending":false,"enrollmentType":"Survey","filter":{"Condition":"AND","SearchInputTextValue":"` + keepnettest.SurveyName + `"}}`

	var unscoped searchReply
	decode(t, raw(t, s, tok, "POST", "/api/enrollments/search", "application/json", body), &unscoped)
	ids := map[string]bool{}
	for _, e := range unscoped.Data.Results {
		if e["name"] == keepnettest.SurveyName {
			ids[e["enrollmentId"].(string)] = true
		}
	}
	if !ids[keepnettest.EnrollmentAcmeSurveyID] || !ids[keepnettest.EnrollmentGlobexSurveyID] {
		t.Errorf("unscoped search found %v, want Acme's and Globex's %q", ids, keepnettest.SurveyName)
	}

	var acme searchReply
	decode(t, raw(t, s, tok, "POST", "/api/enrollments/search", "application/json", body, both(keepnettest.CompanyAcmeID)...), &acme)
	for _, e := range acme.Data.Results {
		if e["enrollmentId"] == keepnettest.EnrollmentGlobexSurveyID {
			t.Errorf("Acme-scoped search returned Globex's survey")
		}
		if !strings.HasPrefix(e["name"].(string), keepnettest.SurveyName) || e["type"] != "Survey" {
			t.Errorf("Acme-scoped survey search returned %v", e)
		}
	}
	if len(acme.Data.Results) != 2 { // the survey and its "(Pilot)", which shares the prefix
		t.Errorf("Acme-scoped search: %d results, want 2", len(acme.Data.Results))
	}
}

func TestScopedCallCannotReachAnotherCompanysEnrollment(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	r := raw(t, s, tok, "GET", "/api/training-reports/"+keepnettest.EnrollmentGlobexSurveyID+"/summary?trainingType=0", "", "",
		both(keepnettest.CompanyAcmeID)...)
	if r.status != 404 {
		t.Errorf("Globex's enrollment under Acme's scope: status %d, want 404", r.status)
	}
}
