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

// BenchmarkSurveyPullUnstable measures what whole listings cost when the
// service does not keep its order from one page request to the next (issue
// 19): the users/search pages a pull asks for beyond one pass, as a share
// of its requests, and its wall time against the same pull from a stable
// service, each at 10 ms a request with 16 in flight. The records must be
// the same set.
func BenchmarkSurveyPullUnstable(b *testing.B) {
	const users = 1_000
	for _, tc := range []struct {
		name string
		opt  keepnettest.Option
	}{{"ties-in-runs", keepnettest.WithUnstableTies(11, 20)}, {"every-row-ties", keepnettest.WithUnstableOrder(11)}} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				stable := unstablePull(b, users)
				moving := unstablePull(b, users, tc.opt)
				if len(moving.userIDs) != len(stable.userIDs) {
					b.Fatalf("%d users from the moving service, %d from the stable one", len(moving.userIDs), len(stable.userIDs))
				}
				pages := int64(users/100 + 1)
				b.ReportMetric(0, "ns/op")
				b.ReportMetric(100*float64(moving.listing-pages)/float64(moving.requests), "extra-requests-%")
				b.ReportMetric(float64(moving.listing)/float64(pages), "listing-passes")
				b.ReportMetric(moving.wall.Seconds()/stable.wall.Seconds(), "wall-vs-stable")
			}
		})
	}
}

func unstablePull(b *testing.B, users int, opts ...keepnettest.Option) pullResult {
	b.Helper()
	srv := keepnettest.NewServer(append(opts, keepnettest.WithUsers(users), keepnettest.WithLatency(10*time.Millisecond), keepnettest.WithoutRequestLog())...)
	defer srv.Close()
	st := &serverTime{base: http.DefaultTransport}
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret), keepnet.WithTransport(st))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	pull, err := openSurvey(context.Background(), c, workflows.SurveyRequest{Companies: in(keepnettest.CompanyAcmeName), Enrollment: keepnettest.SurveyName, Concurrency: 16})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for u, err := range pull.Users(context.Background()) {
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, u.TargetUserResourceID)
	}
	return pullResult{wall: time.Since(start), requests: st.requests.Load(), listing: st.listing.Load(), userIDs: ids}
}
