package keepnet_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Decode a generated response leniently. The service sends numberOfUsers as
// a JSON number where the spec says string, and here a companyName as an
// object: the generated PostCompaniesSearchWithResponse would fail the whole
// page on either. DecodeResponse keeps the number's text, leaves the
// unusable name nil, and says where it was.
func ExampleDecodeResponse() {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/connect/token":
			fmt.Fprint(w, `{"access_token":"example-token","expires_in":3600,"token_type":"Bearer"}`)
		case "/api/companies/search":
			fmt.Fprint(w, `{"data":{"results":[
				{"companyResourceId":"co-acme-0001","companyName":"Acme Manufacturing","numberOfUsers":250},
				{"companyResourceId":"co-globex-0002","companyName":{"en":"Globex Retail"},"numberOfUsers":"40"}]}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer server.Close()

	client, err := keepnet.New(keepnet.WithBaseURL(server.URL), keepnet.WithCredentials("example-client-id", "example-client-secret"))
	if err != nil {
		log.Fatal(err)
	}
	body := gen.PostCompaniesSearchJSONRequestBody{PageNumber: 1, PageSize: 50, OrderBy: "CompanyName", Ascending: true}
	page, report, err := keepnet.DecodeResponse[gen.SearchCompanyDtoCustomCompanyPageResult](
		client.API().PostCompaniesSearch(context.Background(), body))
	if err != nil {
		log.Fatal(err) // the call failed, or the body was not JSON at all
	}
	for _, co := range *page.Data.Results {
		fmt.Println(*co.CompanyResourceId, *co.NumberOfUsers, co.CompanyName != nil)
	}
	for _, p := range report.Problems {
		fmt.Println("unusable:", p)
	}
	// Output:
	// co-acme-0001 250 true
	// co-globex-0002 40 false
	// unusable: data.results[1].companyName: want string, got object {"en":"Globex Retail"}
}
