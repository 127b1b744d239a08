package workflows_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Pull who completed a customer's mandatory training, user by user, with
// the enrollment's due date and each user's exam result.
func ExampleOpenTrainingResults() {
	srv := keepnettest.NewServer()
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	pull, err := workflows.OpenTrainingResults(ctx, client, workflows.TrainingRequest{
		Companies:   workflows.CompanySelection{Companies: []string{"Globex Retail"}},
		Enrollments: []string{"Password Hygiene 2026"},
	})
	if err != nil {
		log.Fatal(err) // an *workflows.InputError names an unknown or ambiguous input
	}
	training := pull.Sources[0]
	fmt.Printf("%s (%s), %s, started %s\n", training.Name, training.ID, training.Type, training.StartDate)

	completed := 0
	for rec, err := range pull.Records(ctx) {
		if err != nil {
			log.Fatal(err) // the enrollment's listing failed, or the pull was stopped
		}
		if rec.Status == "Completed" {
			completed++
		}
		if completed == 1 && rec.Status == "Completed" {
			fmt.Printf("first: %s %s, due %s, %s %g\n", rec.FirstName, rec.LastName, rec.DueDate, rec.ExamStatusName, *rec.ExamScore)
		}
	}
	for _, o := range pull.Outcomes() {
		// Notices would say if the users disagreed with the summary's counts.
		fmt.Printf("%s: %d users, %d completed, %d notices\n", o.Company.Name, o.Records, completed, len(o.Notices))
	}
	// Output:
	// Password Hygiene 2026 (e7GlobPwd005), SCORM, started 11/01/2026 09:00
	// first: Zoë Ångström-Ñúñez, due 2026-02-11T09:00:00.1234567, Passed 98
	// Globex Retail: 40 users, 23 completed, 0 notices
}

// Pull every customer's phishing simulations of the last quarter: who
// opened, clicked, submitted or reported, job by job.
func ExampleOpenPhishingResults() {
	srv := keepnettest.NewServer(keepnettest.WithJobUsers(5))
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	pull, err := workflows.OpenPhishingResults(ctx, client, workflows.PhishingRequest{
		Companies: workflows.CompanySelection{All: true},
		Since:     time.Date(2025, time.October, 1, 0, 0, 0, 0, time.UTC),
		Until:     time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	// A job's users, counted as the report page would, with the scanners'
	// clicks apart from the people's.
	type tally struct{ users, people, scanners int }
	jobs := map[string]*tally{}
	for rec, err := range pull.Records(ctx) {
		if err != nil {
			log.Fatal(err) // a job's listing failed, or the pull was stopped
		}
		job := fmt.Sprintf("%s/%d", rec.CampaignID, rec.InstanceGroup)
		if jobs[job] == nil {
			jobs[job] = &tally{}
		}
		t := jobs[job]
		t.users++
		switch clicked := rec.ClickedCount != nil && *rec.ClickedCount > 0; {
		case clicked && rec.SystemActivityType == "Sandbox": // the fake's value: the service's are not documented
			t.scanners++
		case clicked:
			t.people++
		}
	}
	for _, s := range pull.Sources {
		t := jobs[s.ID]
		fmt.Printf("%s, %q run %s: %d users, %d clicked, %d scanner clicks\n", s.Company.Name, s.Name, s.ID, t.users, t.people, t.scanners)
	}
	for _, o := range pull.Outcomes() {
		for _, n := range o.Notices {
			fmt.Printf("%s: %s\n", o.Company.Name, n)
		}
	}
	// Output:
	// Acme Manufacturing, "Invoice Overdue Lure" run c8AcmeInv001/1: 5 users, 1 clicked, 1 scanner clicks
	// Globex Retail, "Gift Card Request" run c8GlobGft005/1: 20 users, 5 clicked, 1 scanner clicks
	// Acme Manufacturing: left out 1 job of campaigns marked as tests (excludeFromReports), as the vendor's reports do: "IT Dry Run" (c8AcmeTst002/1); IncludeTests pulls them
	// Acme Manufacturing: phishing job "Invoice Overdue Lure" (c8AcmeInv001/1): the service counts 1 of its users' activity as a scanner's, not a person's (totalSandBoxActivityCount); records say whose in activityType and systemActivityType
	// Globex Retail: phishing job "Gift Card Request" (c8GlobGft005/1): the service counts 1 of its users' activity as a scanner's, not a person's (totalSandBoxActivityCount); records say whose in activityType and systemActivityType
}
