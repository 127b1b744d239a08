package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// winter is a period of the fake's seeded world (its clock is 12 January
// 2026): training and simulations of many customers started in it, and
// some before.
var winter = report.Period{
	Since: time.Date(2025, time.December, 1, 0, 0, 0, 0, time.UTC),
	Until: time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC),
}

// asOf is when the tests' packs are made.
var asOf = time.Date(2026, time.February, 20, 9, 0, 0, 0, time.UTC)

// specFake starts a spec-validating fake.
func specFake(t testing.TB, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

func clientOf(t testing.TB, srv *keepnettest.Server) *keepnet.Client {
	t.Helper()
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pulled is everything a period's pulls gave, record by record.
type pulled struct {
	training []workflows.TrainingRecord
	phishing []workflows.PhishingRecord
	surveys  []workflows.SurveyRecord
}

// pullAll pulls the period's training, simulations of every channel and
// surveys from the service into c, and returns the records too.
func pullAll(t testing.TB, cl *keepnet.Client, c *report.Collector, sel workflows.CompanySelection, p report.Period) pulled {
	t.Helper()
	ctx := context.Background()
	var out pulled
	tp, err := workflows.OpenTrainingResults(ctx, cl, workflows.TrainingRequest{Companies: sel, Since: p.Since, Until: p.Until,
		Types: []string{"SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddTrainingPull(ctx, tp, nil); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []workflows.Channel{workflows.ChannelPhishing, workflows.ChannelSmishing, workflows.ChannelQuishing} {
		pp, err := workflows.OpenPhishingResults(ctx, cl, workflows.PhishingRequest{Companies: sel, Channel: ch, Since: p.Since, Until: p.Until})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddPhishingPull(ctx, pp, nil); err != nil {
			t.Fatal(err)
		}
	}
	sp, err := workflows.OpenSurveyResults(ctx, cl, workflows.SurveyRequest{Companies: sel, Since: p.Since, Until: p.Until})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddSurveyPull(ctx, sp, nil); err != nil {
		t.Fatal(err)
	}
	out.training, out.phishing, out.surveys = c.Records()
	return out
}

// writeNDJSON writes records one a line, as the results commands' ndjson.
func writeNDJSON[R any](t testing.TB, path string, records []R) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeJSON writes records as one JSON document.
func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// render writes the pack's pages into a fresh directory and returns their
// contents by file name.
func render(t testing.TB, p *report.Pack, opts report.WriteOptions) map[string]string {
	t.Helper()
	dir := t.TempDir()
	paths, err := report.Write(context.Background(), p, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(path)] = string(b)
	}
	return out
}

// orders are the fake's companies' day/month orders, by ID.
func orders(srv *keepnettest.Server) map[string]keepnetdate.Order {
	out := map[string]keepnetdate.Order{}
	for _, co := range srv.Companies() {
		out[co.ID] = keepnetdate.OrderOfFormat(co.DateFormat)
	}
	return out
}

func iso(t keepnetdate.Time, o keepnetdate.Order) string {
	s, _ := t.ISO(o)
	return s
}

// Saved records as the results commands write them: each service date
// with its ISO 8601 companion, read in the company's order.
type (
	savedTraining struct {
		workflows.TrainingRecord
		StartDateISO string `json:"startDateIso,omitempty"`
		DueDateISO   string `json:"dueDateIso,omitempty"`
	}
	savedPhishing struct {
		workflows.PhishingRecord
		JobStartDateISO string `json:"jobStartDateIso,omitempty"`
	}
)

func saveTraining(rs []workflows.TrainingRecord, o map[string]keepnetdate.Order) []savedTraining {
	out := make([]savedTraining, len(rs))
	for i, r := range rs {
		out[i] = savedTraining{r, iso(r.StartDate, o[r.CompanyID]), iso(r.DueDate, o[r.CompanyID])}
	}
	return out
}

func savePhishing(rs []workflows.PhishingRecord, o map[string]keepnetdate.Order) []savedPhishing {
	out := make([]savedPhishing, len(rs))
	for i, r := range rs {
		out[i] = savedPhishing{r, iso(r.JobStartDate, o[r.CompanyID])}
	}
	return out
}
