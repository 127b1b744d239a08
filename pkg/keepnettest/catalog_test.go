package keepnettest_test

import (
	"context"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func TestCompaniesSearchListsCustomersUnderCompanyResourceId(t *testing.T) {
	s := newServer(t)
	var body gen.PostCompaniesSearchJSONRequestBody
	body.PageNumber, body.PageSize, body.OrderBy = 1, 50, "CreateTime"
	body.Filter.Condition, body.Filter.SearchInputTextValue = ptr("AND"), ptr("")
	resp, err := api(t, s).PostCompaniesSearchWithResponse(context.Background(), body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.Data == nil || resp.JSON200.Data.Results == nil {
		t.Fatalf("status %d, body %s", resp.StatusCode(), resp.Body)
	}
	got := map[string]string{}
	for _, c := range *resp.JSON200.Data.Results {
		got[*c.CompanyName] = *c.CompanyResourceId
	}
	want := map[string]string{
		keepnettest.CompanyAcmeName:       keepnettest.CompanyAcmeID,
		keepnettest.CompanyAcmeEuropeName: keepnettest.CompanyAcmeEuropeID,
		keepnettest.CompanyGlobexName:     keepnettest.CompanyGlobexID,
	}
	if len(got) != len(want) {
		t.Errorf("companies = %v, want %v", got, want)
	}
	for name, id := range want {
		if got[name] != id {
			t.Errorf("company %q has ID %q, want %q", name, got[name], id)
		}
	}
}
