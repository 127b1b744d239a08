package workflows_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/store/storetest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// BenchmarkSyncAcrossCompanies syncs the WithCustomers(60) world (each
// customer's survey, 0 to 3 trainings, 0 to 4 simulation jobs of every
// channel, and the seeded companies') into a new SQLite file, 16 requests
// in flight at 40 ms, against the same pulls written to ndjson files one
// after another: every survey, every training and every job of every
// channel (test campaigns included), each pull of another flow after the
// last. The target is the sync within 1.2× the pulls' wall time. Then the
// sync runs again with nothing changed but the one job still running: its
// requests as a share of the first sync's (the listings and summaries,
// which no incremental rule can save, and that job). Each run has a fake of its own, so neither finds
// the other's answers cached.
func BenchmarkSyncAcrossCompanies(b *testing.B) {
	for range b.N {
		pulls, pullRequests := timedPulls(b, resultsFake(b, resultsCustomers))
		srv := resultsFake(b, resultsCustomers)
		db := storetest.OpenTarget(b, filepath.Join(b.TempDir(), "keepnet.db"))
		first, firstRequests, res := timedSync(b, srv, db)
		again, againRequests, res2 := timedSync(b, srv, db)
		// Acme's quishing job is still running: it alone is fetched again.
		if res2.SourcesFetched != 1 || res2.SourcesUnchanged != res.SourcesFetched-1 {
			b.Fatalf("the re-sync fetched %d sources, found %d unchanged of %d", res2.SourcesFetched, res2.SourcesUnchanged, res.SourcesFetched)
		}
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(res.SourcesFetched), "sources")
		b.ReportMetric(float64(res.Users), "users")
		b.ReportMetric(pulls.Seconds(), "pulls-wall-s")
		b.ReportMetric(float64(pullRequests), "pulls-requests")
		b.ReportMetric(first.Seconds(), "sync-wall-s")
		b.ReportMetric(float64(firstRequests), "sync-requests")
		b.ReportMetric(first.Seconds()/pulls.Seconds(), "sync-vs-pulls")
		b.ReportMetric(again.Seconds(), "resync-wall-s")
		b.ReportMetric(float64(againRequests), "resync-requests")
		b.ReportMetric(100*float64(againRequests)/float64(firstRequests), "resync-%-of-first")
	}
}

// benchClient is a client of srv with 16 requests in flight, as the CLI
// makes one, counting its requests.
func benchClient(b *testing.B, srv *keepnettest.Server) (*keepnet.Client, *serverTime) {
	b.Helper()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = benchConcurrency + 1
	st := &serverTime{base: transport}
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret),
		keepnet.WithTransport(st), keepnet.WithMaxInFlight(benchConcurrency))
	if err != nil {
		b.Fatal(err)
	}
	return c, st
}

func timedSync(b *testing.B, srv *keepnettest.Server, db *sql.DB) (time.Duration, int64, workflows.SyncResult) {
	b.Helper()
	c, st := benchClient(b, srv)
	start := time.Now()
	res, err := workflows.Sync(context.Background(), c, db, workflows.SyncRequest{Companies: allCompanies, Concurrency: benchConcurrency})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start), st.requests.Load(), res
}

// timedPulls runs the pulls a sync replaces, each written to an ndjson
// file, one after another, and returns their wall time and requests.
func timedPulls(b *testing.B, srv *keepnettest.Server) (time.Duration, int64) {
	b.Helper()
	c, st := benchClient(b, srv)
	ctx := context.Background()
	dir := b.TempDir()
	since, until := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	for i, survey := range []string{keepnettest.SurveyName, keepnettest.SurveyPilotName} {
		p, err := workflows.OpenSurveyResults(ctx, c, workflows.SurveyRequest{Companies: allCompanies, Enrollment: survey, Concurrency: benchConcurrency})
		writePull(b, p, err, filepath.Join(dir, "survey"+itoa(i)+".ndjson"))
	}
	p, err := workflows.OpenTrainingResults(ctx, c, workflows.TrainingRequest{Companies: allCompanies, Since: since, Until: until,
		Types: []string{"SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}, Concurrency: benchConcurrency})
	writePull(b, p, err, filepath.Join(dir, "training.ndjson"))
	for _, ch := range []workflows.Channel{workflows.ChannelPhishing, workflows.ChannelSmishing, workflows.ChannelQuishing} {
		p, err := workflows.OpenPhishingResults(ctx, c, workflows.PhishingRequest{Companies: allCompanies, Channel: ch, Since: since, Until: until,
			IncludeTests: true, Concurrency: benchConcurrency})
		writePull(b, p, err, filepath.Join(dir, string(ch)+".ndjson"))
	}
	return time.Since(start), st.requests.Load()
}

func writePull[R any](b *testing.B, p *workflows.Pull[R], err error, path string) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for r, err := range p.Records(context.Background()) {
		if err != nil {
			b.Fatal(err)
		}
		if err := enc.Encode(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
