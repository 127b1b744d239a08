package surveyreport_test

import (
	"context"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// fakeClient starts a spec-validating fake and returns a client of it.
func fakeClient(t *testing.T, opts ...keepnettest.Option) *keepnet.Client {
	t.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// specFake starts a spec-validating fake the test can inspect.
func specFake(t *testing.T, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// clientOf returns a client of srv.
func clientOf(t *testing.T, srv *keepnettest.Server) *keepnet.Client {
	t.Helper()
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var acmeSurvey = workflows.SurveyRequest{
	Companies:  workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName}},
	Enrollment: keepnettest.SurveyName, Concurrency: 4,
}

// reportSurvey pulls a survey and aggregates it: the report, and how many
// users could not be fetched completely.
func reportSurvey(ctx context.Context, c *keepnet.Client, req workflows.SurveyRequest) (surveyreport.Report, int, error) {
	pull, err := workflows.OpenSurveyResults(ctx, c, req)
	if err != nil {
		return surveyreport.Report{}, 0, err
	}
	b := surveyreport.NewBuilder()
	st, err := b.AddPull(ctx, pull, nil)
	if err != nil {
		return surveyreport.Report{}, 0, err
	}
	return b.Report(), st.Incomplete, nil
}
