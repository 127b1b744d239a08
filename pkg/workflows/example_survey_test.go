package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Pull a customer's survey results user by user, streaming: each record
// arrives as soon as it (and every one before it) is complete.
func ExampleOpenSurveyResults() {
	// A fake Keepnet API with a seeded world; against the real service,
	// keepnet.New() reads KEEPNET_CLIENT_ID, KEEPNET_CLIENT_SECRET and
	// KEEPNET_BASE_URL instead.
	srv := keepnettest.NewServer(keepnettest.WithUsers(3))
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	pull, err := workflows.OpenSurveyResults(ctx, client, workflows.SurveyRequest{
		Companies:   workflows.CompanySelection{Companies: []string{"Acme Manufacturing"}},
		Enrollment:  "Security Culture Survey",
		Concurrency: 8,
	})
	if err != nil {
		log.Fatal(err) // an *workflows.InputError names an unknown or ambiguous input
	}
	survey := pull.Sources[0]
	fmt.Printf("%s: %s (%s)\n", survey.Company.Name, survey.Name, survey.ID)

	for rec, err := range pull.Records(ctx) {
		if err != nil {
			log.Fatal(err) // the company's listing failed, or the pull was stopped
		}
		// rec.Error, when set, says what of this user could not be fetched.
		fmt.Printf("%s %s: %s, %d answers\n", rec.FirstName, rec.LastName, rec.Status, len(rec.Answers))
	}
	fmt.Println("complete:", pull.Err() == nil)
	// Output:
	// Acme Manufacturing: Security Culture Survey (e7AcmeSrv001)
	// Zoë Ångström-Ñúñez: Completed, 10 answers
	// Dmitri "Dima" Okonkwo, Jr.: Completed, 10 answers
	// 晴 雲野: Not Responded, 0 answers
	// complete: true
}

// Pull one survey from every customer company at once: see, before any
// user is fetched, which companies have no such survey, then stream the
// records, company by company, each naming its company, while the
// companies are fetched side by side under one request budget.
func ExamplePull_Outcomes() {
	srv := keepnettest.NewServer(keepnettest.WithUsers(4), keepnettest.WithCustomers(7))
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	pull, err := workflows.OpenSurveyResults(ctx, client, workflows.SurveyRequest{
		Companies: workflows.CompanySelection{All: true}, Enrollment: "Security Culture Survey", Concurrency: 16,
	})
	if err != nil {
		log.Fatal(err) // an *workflows.InputError: nothing was fetched beyond the lookups
	}
	for _, s := range pull.Skipped {
		fmt.Printf("skipped %s: %s\n", s.Company.Name, s.Skipped)
	}
	for _, err := range pull.Records(ctx) {
		var failed *workflows.CompanyError
		if errors.As(err, &failed) {
			continue // one company failed; the others go on, and its outcome says why
		}
		if err != nil {
			log.Fatal(err) // the run was stopped
		}
	}
	for _, c := range pull.Outcomes() {
		fmt.Printf("%s: %d users, %d complete\n", c.Company.Name, c.Records, c.Complete)
	}
	// Output:
	// skipped Acme Manufacturing Europe: matches no enrollment by name or ID
	// skipped Harbourside Clinics: matches no enrollment by name or ID
	// Acme Manufacturing: 4 users, 4 complete
	// Globex Retail: 12 users, 12 complete
	// Brightwater Dental Group: 47 users, 47 complete
	// Copperline Freight: 84 users, 84 complete
	// Duneview Hotels: 31 users, 31 complete
	// Elmstead Legal: 68 users, 68 complete
	// Fernhill Schools Trust: 15 users, 15 complete
	// Granite Peak Insurance: 52 users, 52 complete
}
