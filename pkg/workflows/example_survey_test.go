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
func ExampleOpenSurvey() {
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
	pull, err := workflows.OpenSurvey(ctx, client, workflows.SurveyRequest{
		Company:     "Acme Manufacturing",
		Enrollment:  "Security Culture Survey",
		Concurrency: 8,
	})
	if err != nil {
		log.Fatal(err) // an *workflows.InputError names an unknown or ambiguous input
	}
	fmt.Printf("%s: %s (%s)\n", pull.Company.Name, pull.Enrollment.Name, pull.Enrollment.ID)

	failed := 0
	for user, err := range pull.Users(ctx) {
		if err != nil {
			log.Fatal(err) // the pull itself broke off
		}
		if user.Error != "" {
			failed++ // this user's data could not be fetched; the record says why
		}
		fmt.Printf("%s %s: %s, %d answers\n", user.FirstName, user.LastName, user.Status, len(user.Answers))
	}
	fmt.Println("failed users:", failed)
	// Output:
	// Acme Manufacturing: Security Culture Survey (e7AcmeSrv001)
	// Zoë Ångström-Ñúñez: Completed, 10 answers
	// Dmitri "Dima" Okonkwo, Jr.: Completed, 10 answers
	// 晴 雲野: Not Responded, 0 answers
	// failed users: 0
}

// Pull one survey from every customer company at once: records come
// company by company, each naming its company, while the companies are
// fetched side by side under one request budget.
func ExamplePullSurveys() {
	srv := keepnettest.NewServer(keepnettest.WithUsers(2))
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	counts := map[string]int{}
	var order []string
	for rec, err := range workflows.PullSurveys(ctx, client, workflows.SurveysRequest{
		CompanySelection: workflows.CompanySelection{All: true}, Enrollment: "Security Culture Survey", Concurrency: 16,
	}) {
		var failed *workflows.CompanyError
		if errors.As(err, &failed) {
			fmt.Println("failed:", failed) // one company failed; the others go on
			continue
		}
		if err != nil {
			log.Fatal(err) // bad input (an *workflows.InputError), or the run was stopped
		}
		if counts[rec.CompanyName] == 0 {
			order = append(order, rec.CompanyName)
		}
		counts[rec.CompanyName]++
	}
	for _, name := range order {
		fmt.Printf("%s: %d users\n", name, counts[name])
	}
	// Output:
	// Acme Manufacturing: 2 users
	// Globex Retail: 12 users
}

// Open a survey in every company to see, before any user is fetched,
// which companies have no such survey, then stream the records and print
// how each company ended.
func ExampleOpenSurveys() {
	srv := keepnettest.NewServer(keepnettest.WithUsers(4), keepnettest.WithCustomers(7))
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	pull, err := workflows.OpenSurveys(ctx, client, workflows.SurveysRequest{
		CompanySelection: workflows.CompanySelection{All: true}, Enrollment: "Security Culture Survey", Concurrency: 16,
	})
	if err != nil {
		log.Fatal(err) // an *workflows.InputError: nothing was fetched beyond the lookups
	}
	for _, s := range pull.Skipped {
		fmt.Printf("skipped %s: %s\n", s.Company.Name, s.Reason)
	}
	for _, err := range pull.Records(ctx) {
		if err != nil && !errors.As(err, new(*workflows.CompanyError)) {
			log.Fatal(err)
		}
	}
	for _, c := range pull.Summary() {
		fmt.Printf("%s (%s): %d users, %d complete\n", c.Company.Name, c.Enrollment.ID, c.Users, c.Complete)
	}
	// Output:
	// skipped Acme Manufacturing Europe: matches no enrollment by name or ID
	// skipped Harbourside Clinics: matches no enrollment by name or ID
	// Acme Manufacturing (e7AcmeSrv001): 4 users, 4 complete
	// Globex Retail (e7GlobSrv002): 12 users, 12 complete
	// Brightwater Dental Group (e7CustSrv001): 47 users, 47 complete
	// Copperline Freight (e7CustSrv002): 84 users, 84 complete
	// Duneview Hotels (e7CustSrv003): 31 users, 31 complete
	// Elmstead Legal (e7CustSrv004): 68 users, 68 complete
	// Fernhill Schools Trust (e7CustSrv005): 15 users, 15 complete
	// Granite Peak Insurance (e7CustSrv006): 52 users, 52 complete
}
