package surveyreport_test

import (
	"context"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"log"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Count a survey's answers question by question, in two customer
// companies and overall, without holding the users in memory.
func ExampleBuilder() {
	srv := keepnettest.NewServer(keepnettest.WithUsers(8))
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	pull, err := workflows.OpenSurveyResults(ctx, client, workflows.SurveyRequest{
		Companies:  workflows.CompanySelection{Companies: []string{"Acme Manufacturing", "Globex Retail"}},
		Enrollment: "Security Culture Survey",
	})
	if err != nil {
		log.Fatal(err)
	}
	b := surveyreport.NewBuilder()
	if _, err := b.AddPull(ctx, pull, nil); err != nil {
		log.Fatal(err)
	}
	report := b.Report()
	for _, c := range report.Companies {
		fmt.Printf("%s: %d users, %.0f%% completed\n", c.CompanyName, c.Users, 100*c.ResponseRate())
	}
	q := report.Overall.Questions[0]
	fmt.Printf("%s %q, answered by %d:\n", q.QuestionID, q.Question, q.Answered)
	if scale, ok := q.RatingScale(); ok {
		for _, p := range scale { // most negative first
			fmt.Printf("  %-17s %d\n", p.Option, p.Count)
		}
	}
	// Output:
	// Acme Manufacturing: 8 users, 62% completed
	// Globex Retail: 12 users, 58% completed
	// SCQ01 "I know how to recognise a phishing email.", answered by 14:
	//   Strongly Disagree 1
	//   Disagree          3
	//   Agree             8
	//   Strongly Agree    2
}
