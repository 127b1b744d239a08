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

// Build a client for a Reseller credential, find a customer company, and
// make one call in that company's scope. The server here stands in for the
// Keepnet API; against the real one, leave out WithBaseURL and
// WithCredentials and set KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET.
func Example() {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/connect/token":
			fmt.Fprint(w, `{"access_token":"example-token","expires_in":3600,"token_type":"Bearer"}`)
		case "/api/companies/search":
			fmt.Fprint(w, `{"data":{"results":[{"companyResourceId":"co-acme-0001","companyName":"Acme Manufacturing"}]}}`)
		case "/api/enrollments/search":
			fmt.Fprintf(w, `{"data":{"results":[{"name":"Security Culture Survey (for %s)","status":"Finished"}]}}`,
				r.Header.Get("X-KEEPNET-Company-Id"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer server.Close()

	client, err := keepnet.New(
		keepnet.WithBaseURL(server.URL),
		keepnet.WithCredentials("example-client-id", "example-client-secret"),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Companies are listed without a company scope.
	companies, err := client.API().PostCompaniesSearchWithResponse(ctx, gen.PostCompaniesSearchJSONRequestBody{PageNumber: 1, PageSize: 50, OrderBy: "CompanyName", Ascending: true})
	if err != nil {
		log.Fatal(err)
	}
	company := (*companies.JSON200.Data.Results)[0]
	fmt.Println("company:", *company.CompanyName)

	// Everything about one customer goes through its scope.
	acme := client.ForCompany(*company.CompanyResourceId)
	survey := "Survey"
	enrollments, err := acme.API().PostEnrollmentsSearchWithResponse(ctx, gen.PostEnrollmentsSearchJSONRequestBody{EnrollmentType: &survey})
	if err != nil {
		log.Fatal(err) // a non-2xx answer would be a *keepnet.APIError
	}
	for _, e := range *enrollments.JSON200.Data.Results {
		fmt.Println("enrollment:", *e.Name, *e.Status)
	}
	// Output:
	// company: Acme Manufacturing
	// enrollment: Security Culture Survey (for co-acme-0001) Finished
}
