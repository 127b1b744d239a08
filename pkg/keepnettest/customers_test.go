package keepnettest_test

import (
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func TestWithCustomersSeedsManyTenants(t *testing.T) {
	const n = 9
	s := newServer(t, keepnettest.WithCustomers(n))
	managed := map[string]string{}
	for _, c := range s.Companies() {
		if c.Managed {
			managed[c.ID] = c.Name
		}
	}
	if len(managed) != 3+n {
		t.Errorf("%d managed companies, want the 3 seeded and %d customers", len(managed), n)
	}
	surveys := map[string]string{} // company -> enrollment
	for _, e := range s.Enrollments() {
		if e.Name == keepnettest.SurveyName && e.Type == "Survey" {
			surveys[e.CompanyID] = e.ID
		}
	}
	emails := map[string]string{}
	for k := 1; k <= n; k++ {
		id := keepnettest.CustomerID(k)
		if managed[id] != keepnettest.CustomerName(k) {
			t.Errorf("customer %d: %q, want %q", k, managed[id], keepnettest.CustomerName(k))
		}
		finance := false
		for _, g := range s.Groups(id) {
			finance = finance || g.Name == keepnettest.GroupFinanceName
		}
		if finance != keepnettest.CustomerHasFinance(k) {
			t.Errorf("customer %d has a Finance group: %v, want %v", k, finance, keepnettest.CustomerHasFinance(k))
		}
		e, ok := surveys[id]
		if ok != keepnettest.CustomerHasSurvey(k) {
			t.Fatalf("customer %d has the survey: %v, want %v", k, ok, keepnettest.CustomerHasSurvey(k))
		}
		if !ok {
			continue
		}
		users := 0
		for u := range s.Users(e) {
			if other, dup := emails[u.Email]; dup {
				t.Errorf("%s is a user of both %s and %s", u.Email, other, id)
			}
			emails[u.Email] = id
			users++
		}
		if users != keepnettest.CustomerSurveyUsers(k) {
			t.Errorf("customer %d: %d users, want %d", k, users, keepnettest.CustomerSurveyUsers(k))
		}
	}
	if keepnettest.CustomerHasSurvey(7) || keepnettest.CustomerHasFinance(3) {
		t.Error("the world has no customer without the survey or without Finance: nothing to skip")
	}
}
