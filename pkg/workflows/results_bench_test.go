package workflows_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The training and simulation results pulls across a reseller's customers,
// timed against the ideal as BenchmarkSurveysAcrossCompanies is: the summed
// server time of the pull's requests divided by the 16 in flight. The fake
// runs in this process (the figures are wall times, not CPU), without spec
// validation or its request log.

const (
	resultsCustomers = 60
	resultsJobUsers  = 100
	// resultsEventCustomers is the smaller world of the pull with events,
	// which costs a request per user for each kind of event the user has.
	resultsEventCustomers = 6
)

// timedResults runs open's pull to its end against srv and reports the
// wall time against the ideal.
func timedResults[R any](b *testing.B, srv *keepnettest.Server, wantSources, wantRecords int, open func(context.Context, *keepnet.Client) (*workflows.Pull[R], error), failed func(R) bool) {
	b.Helper()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = benchConcurrency + 1
	st := &serverTime{base: transport}
	// As the CLI does: the client's in-flight bound is the pull's.
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret),
		keepnet.WithTransport(st), keepnet.WithMaxInFlight(benchConcurrency))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	p, err := open(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Sources) != wantSources {
		b.Fatalf("%d sources, want %d", len(p.Sources), wantSources)
	}
	records := 0
	for r, err := range p.Records(ctx) {
		if err != nil {
			b.Fatal(err)
		}
		if failed(r) {
			b.Fatalf("record %+v failed", r)
		}
		records++
	}
	wall := time.Since(start)
	if records != wantRecords {
		b.Fatalf("%d records, want %d", records, wantRecords)
	}
	ideal := time.Duration(st.total.Load()) / benchConcurrency
	b.ReportMetric(0, "ns/op") // as in BenchmarkSurveyPull
	b.ReportMetric(float64(len(p.Sources)), "sources")
	b.ReportMetric(float64(records), "users")
	b.ReportMetric(float64(st.requests.Load()), "requests")
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(ideal.Seconds(), "ideal-s")
	b.ReportMetric(wall.Seconds()/ideal.Seconds(), "ratio-vs-ideal")
}

func resultsFake(b *testing.B, customers int, opts ...keepnettest.Option) *keepnettest.Server {
	b.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithCustomers(customers),
		keepnettest.WithLatency(benchLatency), keepnettest.WithoutRequestLog()}, opts...)...)
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkPhishingResultsAcrossCompanies pulls one campaign's two jobs of
// 100 users in each of 60 customers (every customer's campaign of the same
// name), 16 in flight at 40 ms: the target is 1.4× the ideal. The same
// with Events, in 6 customers, shows the per-user event searches keeping
// the pool busy.
func BenchmarkPhishingResultsAcrossCompanies(b *testing.B) {
	failed := func(r workflows.PhishingRecord) bool { return r.Error != "" }
	for _, events := range []bool{false, true} {
		name, customers := "rows", resultsCustomers
		if events {
			name, customers = "events", resultsEventCustomers
		}
		b.Run(name, func(b *testing.B) {
			srv := resultsFake(b, customers, keepnettest.WithPhishingJobs(2, resultsJobUsers))
			for range b.N {
				timedResults(b, srv, 2*customers, 2*customers*resultsJobUsers, func(ctx context.Context, c *keepnet.Client) (*workflows.Pull[workflows.PhishingRecord], error) {
					return workflows.OpenPhishingResults(ctx, c, workflows.PhishingRequest{
						Companies: workflows.CompanySelection{All: true}, Campaigns: []string{keepnettest.CustomerCampaignName},
						Events: events, Concurrency: benchConcurrency,
					})
				}, failed)
			}
		})
	}
}

// BenchmarkTrainingResultsAcrossCompanies pulls the two SCORM enrollments
// of 100 users each that every one of 60 customers started in a window, 16
// in flight at 40 ms: the target is 1.4× the ideal.
func BenchmarkTrainingResultsAcrossCompanies(b *testing.B) {
	srv := resultsFake(b, resultsCustomers, keepnettest.WithCustomerTraining(2, resultsJobUsers))
	req := workflows.TrainingRequest{
		Companies:   workflows.CompanySelection{All: true},
		Since:       time.Date(2025, time.October, 1, 0, 0, 0, 0, time.UTC),
		Until:       time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC),
		Concurrency: benchConcurrency,
	}
	// The customers' 120 and the seeded companies' SCORM trainings of the
	// window.
	sources, users := 0, 0
	for _, e := range srv.TrainingEnrollments("") {
		if e.Type == "SCORM" && !e.StartDate.Before(req.Since) && e.StartDate.Before(req.Until) {
			sources, users = sources+1, users+e.Users
		}
	}
	for range b.N {
		timedResults(b, srv, sources, users, func(ctx context.Context, c *keepnet.Client) (*workflows.Pull[workflows.TrainingRecord], error) {
			return workflows.OpenTrainingResults(ctx, c, req)
		}, func(r workflows.TrainingRecord) bool { return r.Error != "" })
	}
}
