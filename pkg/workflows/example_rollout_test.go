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

// Rollout enrolls the same training, under the same name, in every
// customer company, resolving the groups by name in each. The fake's Acme
// Manufacturing Europe has no Finance group: SkipMissing skips it instead
// of refusing the whole rollout. Running it again changes nothing.
func ExampleRollout() {
	srv := keepnettest.NewServer()
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	req := workflows.RolloutRequest{
		Companies: workflows.CompanySelection{All: true},
		Enrollment: workflows.EnrollRequest{
			Training: "Phishing Fundamentals",
			Groups:   []string{"Finance", "All Staff"},
			Name:     "Q3 Phishing Refresher",
		},
		SkipMissing: true,
	}
	for run := range 2 {
		res, err := workflows.Rollout(context.Background(), client, req)
		var failed *workflows.RolloutError
		if errors.As(err, &failed) {
			// Some companies failed, the others are done: a rerun
			// finishes the failed ones.
			fmt.Println(failed)
		} else if err != nil {
			log.Fatal(err) // bad input, nothing written
		}
		fmt.Println("run", run+1)
		for _, row := range res.Companies {
			fmt.Printf("  %s: %s\n", row.Company.Name, row.Enrollment.Done())
		}
	}
	// Output:
	// run 1
	//   Acme Manufacturing: created
	//   Acme Manufacturing Europe: skipped
	//   Globex Retail: created
	// run 2
	//   Acme Manufacturing: already sent
	//   Acme Manufacturing Europe: skipped
	//   Globex Retail: already sent
}

// PlanRollout is the rollout's dry run: every company resolved and checked,
// with read calls only, and a row per company saying what Apply would do.
// Globex Retail has no Finance EMEA group, so it is skipped; Acme
// Manufacturing has this enrollment already.
func ExamplePlanRollout() {
	srv := keepnettest.NewServer()
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	plan, err := workflows.PlanRollout(context.Background(), client, workflows.RolloutRequest{
		Companies: workflows.CompanySelection{Companies: []string{"Globex Retail", "Acme Manufacturing"}},
		Enrollment: workflows.EnrollRequest{
			Training: "Phishing Fundamentals",
			Groups:   []string{"Finance", "Finance EMEA"},
			Name:     "Phishing Fundamentals 2026",
		},
		SkipMissing: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Nothing has been written; plan.Apply(ctx) would carry it out.
	for _, row := range plan.Companies {
		if row.Action == workflows.ActionSkip {
			fmt.Printf("%s: %s (%s)\n", row.Company.Name, row.Action, row.Reason)
			continue
		}
		fmt.Printf("%s: training %s, groups %v: %s\n", row.Company.Name, row.TrainingID, row.GroupIDs, row.Action)
	}
	// Output:
	// Globex Retail: skip (group "Finance EMEA": matches no group by name or ID)
	// Acme Manufacturing: training t5PhishFun01, groups [g9AcmeFin001 g9AcmeFinE02]: already sent
}
