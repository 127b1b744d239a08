package keepnettest_test

import (
	"context"
	"fmt"
	"log"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// A listing that changes while it is paged, as the live service's do: a
// naive pass over 153 customers, in pages of 100, reads what was there
// before and after the change mixed, and the world says what is true.
func ExampleWithListingChanges() {
	srv := keepnettest.NewServer(keepnettest.WithCustomers(150), keepnettest.WithListingChanges(keepnettest.ListingChange{
		Route: keepnettest.RouteCompaniesSearch, AfterPage: 1, Add: 2, Remove: 3, Move: 4,
	}))
	defer srv.Close()
	ctx := context.Background()
	tokens := clientcredentials.Config{ClientID: srv.ClientID, ClientSecret: srv.ClientSecret,
		TokenURL: srv.URL + "/connect/token", Scopes: []string{"api1"}, AuthStyle: oauth2.AuthStyleInParams}
	api, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(tokens.Client(ctx)))
	if err != nil {
		log.Fatal(err)
	}

	seen := map[string]bool{}
	rows := 0
	for page := 1; ; page++ {
		var body gen.PostCompaniesSearchJSONRequestBody
		body.PageNumber, body.PageSize, body.OrderBy = page, 100, "CreateTime"
		body.Filter.Condition, body.Filter.SearchInputTextValue = new("AND"), new("")
		resp, err := api.PostCompaniesSearchWithResponse(ctx, body)
		if err != nil || resp.JSON200 == nil {
			log.Fatal(err, resp.Status())
		}
		results := *resp.JSON200.Data.Results
		for _, c := range results {
			seen[*c.CompanyResourceId] = true
		}
		rows += len(results)
		if len(results) < 100 {
			break
		}
	}
	truth, missed := 0, 0
	for _, c := range srv.Companies() {
		if c.Managed {
			truth++
			if !seen[c.ID] {
				missed++
			}
		}
	}
	change := srv.AppliedChanges()[0]
	fmt.Printf("read %d rows, %d distinct; the reseller has %d customers, %d never read\n", rows, len(seen), truth, missed)
	fmt.Printf("added %d, removed %d, moved %d\n", len(change.Added), len(change.Removed), len(change.Moved))
	// Output:
	// read 152 rows, 150 distinct; the reseller has 152 customers, 5 never read
	// added 2, removed 3, moved 4
}
