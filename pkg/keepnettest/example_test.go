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
