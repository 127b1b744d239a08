package workflows_test

import (
	"context"
	"fmt"
	"log"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Enroll creates a training enrollment for two target groups of a customer
// company and sends it. Running it again changes nothing: the enrollment's
// name identifies it in the company.
func ExampleEnroll() {
	// An in-process fake of the Keepnet API; against the real service,
	// keepnet.New() reads KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET.
	srv := keepnettest.NewServer()
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	req := workflows.EnrollRequest{
		Company:  "Acme Manufacturing",
		Training: "Phishing Fundamentals",
		Groups:   []string{"Finance", "All Staff"},
		Name:     "Q2 Phishing Refresher",
	}
	for range 2 {
		res, err := workflows.Enroll(context.Background(), client, req)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %q (%s) in %s, status %s\n", res.Action, res.Name, res.ID, res.Company.Name, res.Status)
	}
	// Output:
	// created: "Q2 Phishing Refresher" (e7New0000001) in Acme Manufacturing, status Sending
	// already sent: "Q2 Phishing Refresher" (e7New0000001) in Acme Manufacturing, status Sending
}
