package keepnettest_test

import (
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestSearchBodiesFailAsTheServiceDoes runs without spec validation: the
// spec itself forbids these bodies, and the point is what the live service
// answers a client that sends them anyway.
func TestSearchBodiesFailAsTheServiceDoes(t *testing.T) {
	s := keepnettest.NewServer()
	defer s.Close()
	tok := token(t, s)
	cases := []struct {
		name, contentType, body string
		status                  int
		inputError              bool
	}{
		{"filter null", "application/json", `{"pageNumber":1,"pageSize":10,"orderBy":"CreateTime","ascending":false,"filter":null}`, 500, false},
		{"filter missing", "application/json", `{"pageNumber":1,"pageSize":10,"orderBy":"CreateTime","ascending":false}`, 400, true},
		{"orderBy null", "application/json", `{"pageNumber":1,"pageSize":10,"orderBy":null,"ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":""}}`, 400, true},
		{"orderBy missing", "application/json", `{"pageNumber":1,"pageSize":10,"ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":""}}`, 400, true},
		{"null inside filter", "application/json", `{"pageNumber":1,"pageSize":10,"orderBy":"CreateTime","ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":null}}`, 400, true},
		{"json-patch content type", "application/json-patch+json", minimalSearch, 400, true},
		{"text/json content type", "text/json", minimalSearch, 400, true},
		{"page size zero", "application/json", `{"pageNumber":1,"pageSize":0,"orderBy":"CreateTime","ascending":false,"filter":{}}`, 400, true},
		{"key casing ignored", "application/json", `{"PageNumber":1,"PAGESIZE":10,"orderby":"CreateTime","Ascending":false,"Filter":{"condition":"AND","searchInputTextValue":""}}`, 200, false},
		{"minimal filter", "application/json", minimalSearch, 200, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := raw(t, s, tok, "POST", "/api/companies/search", c.contentType, c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d; body %s", r.status, c.status, r.body)
			}
			if c.status == 500 && !strings.Contains(r.header.Get("Content-Type"), "text/html") {
				t.Errorf("500 content type %q, want an HTML page", r.header.Get("Content-Type"))
			}
			if c.inputError {
				var body struct {
					Status string `json:"status"`
				}
				decode(t, r, &body)
				if body.Status != "INPUT_ERROR" {
					t.Errorf("status field %q, want INPUT_ERROR", body.Status)
				}
			}
		})
	}
}

func TestPageSizeIsCappedAndCountsFollowTheRealPageSize(t *testing.T) {
	s := newServer(t, keepnettest.WithUsers(250))
	tok := token(t, s)
	path := "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID + "/users/search"
	scope := both(keepnettest.CompanyAcmeID)

	var first searchReply
	decode(t, raw(t, s, tok, "POST", path, "application/json", searchBody(1, 500, ""), scope...), &first)
	d := first.Data
	if len(d.Results) != 100 || d.PageSize != 100 || d.TotalNumberOfRecords != 250 || d.TotalNumberOfPages != 3 {
		t.Errorf("asking for 500: %d results, pageSize %d, %d records, %d pages; want 100, 100, 250, 3",
			len(d.Results), d.PageSize, d.TotalNumberOfRecords, d.TotalNumberOfPages)
	}

	seen := map[any]bool{}
	for page := 1; page <= 4; page++ {
		var got searchReply
		decode(t, raw(t, s, tok, "POST", path, "application/json", searchBody(page, 500, ""), scope...), &got)
		want := map[int]int{1: 100, 2: 100, 3: 50, 4: 0}[page]
		if len(got.Data.Results) != want || got.Data.PageNumber != page {
			t.Errorf("page %d: %d results (pageNumber %d), want %d", page, len(got.Data.Results), got.Data.PageNumber, want)
		}
		for _, u := range got.Data.Results {
			seen[u["targetUserResourceId"]] = true
		}
	}
	if len(seen) != 250 {
		t.Errorf("paging saw %d distinct users, want 250", len(seen))
	}
}

func TestSearchTextMatchesNamesThatSharePrefixes(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	cases := []struct {
		path, text, nameKey string
		scope               []string
		want                []string
	}{
		{"/api/companies/search", "Acme Manufacturing", "companyName", nil,
			[]string{keepnettest.CompanyAcmeName, keepnettest.CompanyAcmeEuropeName}},
		{"/api/target-groups/search/current-company", "Finance", "name", both(keepnettest.CompanyAcmeID),
			[]string{keepnettest.GroupFinanceName, keepnettest.GroupFinanceEMEAName}},
		{"/api/target-groups/search/current-company", "Finance", "name", nil, // every customer's groups
			[]string{keepnettest.GroupFinanceName, keepnettest.GroupFinanceEMEAName, keepnettest.GroupFinanceName}},
		{"/api/trainings/search", "Phishing Fundamentals", "trainingName", both(keepnettest.CompanyAcmeID),
			[]string{keepnettest.TrainingPhishingName, keepnettest.TrainingPhishingAdvName}},
	}
	for _, c := range cases {
		var got searchReply
		decode(t, raw(t, s, tok, "POST", c.path, "application/json", searchBody(1, 50, c.text), c.scope...), &got)
		var names []string
		for _, r := range got.Data.Results {
			names = append(names, r[c.nameKey].(string))
		}
		if strings.Join(names, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s %q (scoped %v): %q, want %q", c.path, c.text, c.scope != nil, names, c.want)
		}
	}
}

func TestIDsUseTheLiveFieldNames(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	scope := both(keepnettest.CompanyAcmeID)
	cases := []struct{ path, idKey, id string }{
		{"/api/companies/search", "companyResourceId", keepnettest.CompanyAcmeID},
		{"/api/trainings/search", "trainingId", keepnettest.TrainingPhishingID},
		{"/api/target-groups/search/current-company", "resourceId", keepnettest.GroupAcmeFinanceID},
		{"/api/enrollments/search", "enrollmentId", keepnettest.EnrollmentAcmeSurveyID},
	}
	for _, c := range cases {
		var got searchReply
		decode(t, raw(t, s, tok, "POST", c.path, "application/json", minimalSearch, scope...), &got)
		found := false
		for _, r := range got.Data.Results {
			found = found || r[c.idKey] == c.id
			if _, wrong := r["resourceId"]; wrong && c.idKey != "resourceId" {
				t.Errorf("%s: result carries resourceId, the how-to's name, instead of only %s", c.path, c.idKey)
			}
		}
		if !found {
			t.Errorf("%s: no result with %s %q", c.path, c.idKey, c.id)
		}
	}
}
