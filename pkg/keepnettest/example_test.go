package keepnettest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// Test your own code against the fake: start it, point the generated client
// at it with a token from its /connect/token, then check the world. In the
// project's tests add keepnettest.WithSpec(testspec.Load(t)) and
// keepnettest.WithT(t), so a request the vendor's spec forbids fails the
// test.
func Example() {
	srv := keepnettest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	tokens := clientcredentials.Config{
		ClientID:     srv.ClientID,
		ClientSecret: srv.ClientSecret,
		TokenURL:     srv.URL + "/connect/token",
		Scopes:       []string{"api1"},
		AuthStyle:    oauth2.AuthStyleInParams, // the service wants credentials in the form
	}
	actAsAcme := func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-KEEPNET-Company-Id", keepnettest.CompanyAcmeID)
		r.Header.Set("x-ir-company-id", keepnettest.CompanyAcmeID)
		return nil
	}
	api, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(tokens.Client(ctx)), gen.WithRequestEditorFn(actAsAcme))
	if err != nil {
		log.Fatal(err)
	}

	// The code under test would do this.
	resp, err := api.PostEnrollmentsWithResponse(ctx, gen.PostEnrollmentsJSONRequestBody{
		TrainingId:             keepnettest.TrainingPhishingID,
		Name:                   "Q3 phishing refresher",
		TargetGroupResourceIds: []string{keepnettest.GroupAcmeFinanceID},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("create:", resp.StatusCode())

	// Check the world.
	for _, e := range srv.CreatedEnrollments() {
		fmt.Printf("%s in %s: %s, %d users\n", e.Name, e.CompanyID, e.Status, e.Users)
	}
	fmt.Println("sent:", len(srv.SentEnrollments()))
	// Output:
	// create: 201
	// Q3 phishing refresher in k3AcmeMfg001: Scheduled, 14 users
	// sent: 0
}

// The survey's expected answers come from the world, so a test can compare
// what a pull produced with the truth.
func ExampleServer_Answers() {
	srv := keepnettest.NewServer(keepnettest.WithUsers(3))
	defer srv.Close()
	for u := range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		answers := srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.ID)
		fmt.Printf("%s %s (%s): %d answers\n", u.FirstName, u.LastName, u.Status, len(answers))
	}
	// Output:
	// Zoë Ångström-Ñúñez (Completed): 10 answers
	// Dmitri "Dima" Okonkwo, Jr. (Completed): 10 answers
	// 晴 雲野 (Not Responded): 0 answers
}

// A phishing job's users come with their counts and events, scanner
// activity included, so a test can compute what a results pull must write.
func ExampleServer_JobUsers() {
	srv := keepnettest.NewServer(keepnettest.WithJobUsers(6))
	defer srv.Close()
	for _, j := range srv.Jobs(keepnettest.CompanyAcmeID, keepnettest.ChannelPhishing)[:1] {
		totals, _ := srv.JobTotals(j.CampaignID, j.InstanceGroup)
		fmt.Printf("%s #%d: %d users, %d clicked, %d by a scanner\n", j.Name, j.InstanceGroup, totals.Targets, totals.Clicked, totals.Sandbox)
		for u := range srv.JobUsers(j.CampaignID, j.InstanceGroup) {
			fmt.Printf("%s: %s, clicked %d, activity %q\n", u.Email, u.Status, u.Count(keepnettest.EventClicked), u.SystemActivityType)
		}
	}
	// Output:
	// Invoice Overdue Lure #1: 6 users, 3 clicked, 1 by a scanner
	// zoe.angstrom-nunez@acme.example: Submitted Data, clicked 1, activity "Human"
	// dima.okonkwo@acme.example: Opened, clicked 0, activity "Human"
	// haru.kumono@acme.example: No Response, clicked 0, activity ""
	// renee.darbrelune@acme.example: Opened Attachment, clicked 0, activity "Human"
	// rosa.fernhill.4@acme.example: Clicked, clicked 2, activity "Sandbox"
	// bram.ravensworth.5@acme.example: Clicked, clicked 2, activity "Human"
}

// Training users carry their exam results; the due date is the
// enrollment's.
func ExampleServer_TrainingUsers() {
	srv := keepnettest.NewServer()
	defer srv.Close()
	e, _ := srv.Enrollment(keepnettest.EnrollmentGlobexTrainingID)
	fmt.Printf("%s, due %s\n", e.Name, e.DueDate.Format("2006-01-02"))
	n := 0
	for u := range srv.TrainingUsers(e.ID) {
		if n++; n > 4 {
			break
		}
		fmt.Printf("%s %s: %s", u.FirstName, u.LastName, u.Status)
		if u.HasExamScore {
			fmt.Printf(", exam %s (%v)", u.ExamStatus, u.ExamScore)
		}
		fmt.Println()
	}
	// Output:
	// Password Hygiene 2026, due 2026-02-11
	// Zoë Ångström-Ñúñez: Completed, exam Passed (98)
	// Dmitri "Dima" Okonkwo, Jr.: Completed, exam Passed (74)
	// 晴 雲野: Not Responded
	// Renée D'Arbrelune: Completed, exam Failed (45)
}
