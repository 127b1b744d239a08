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
		fmt.Printf("%s: %q (%s) in %s, status %s\n", res.Done(), res.Name, res.ID, res.Company.Name, res.Status)
	}
	// Output:
	// created: "Q2 Phishing Refresher" (e7New0000001) in Acme Manufacturing, status Sending
	// already sent: "Q2 Phishing Refresher" (e7New0000001) in Acme Manufacturing, status Sending
}

// PlanEnrollment resolves and checks everything with read calls only: the
// dry run. The plan shows each name's ID and the exact create body.
func ExamplePlanEnrollment() {
	srv := keepnettest.NewServer()
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}

	plan, err := workflows.PlanEnrollment(context.Background(), client, workflows.EnrollRequest{
		Company:  "Acme Manufacturing",
		Training: "Password Hygiene",
		Groups:   []string{"Finance EMEA"},
		Name:     "Password Hygiene, May",
		Schedule: "2026-05-04T09:00:00+01:00",
		TimeZone: "GMT Standard Time",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("company %s, training %s, group %s\n", plan.Company.ID, plan.Training.ID, plan.Groups[0].ID)
	fmt.Println(plan.Intent())
	fmt.Println(string(plan.CreateBody))
	// Output:
	// company k3AcmeMfg001, training t5PassHyg003, group g9AcmeFinE02
	// create the enrollment and send it, scheduled for 2026-05-04T09:00:00+01:00 (GMT Standard Time)
	// {"trainingId":"t5PassHyg003","name":"Password Hygiene, May","targetGroupResourceIds":["g9AcmeFinE02"],"enrollmentScheduler":{"scheduledDate":"2026-05-04T09:00:00+01:00","scheduledTimeZoneId":"GMT Standard Time","useOwnTimeZone":false},"awardCertificate":false,"markedAsTest":false,"sendTeamsNotification":false}
}
