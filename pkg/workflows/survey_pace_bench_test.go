package workflows_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The pace benchmarks pull from a fake in this process: they measure
// requests and wall time, not CPU, and the rates are low.
const (
	// paceLimit is the fake's rate limit, which the client is not told;
	// paceUsers makes each limited pull about 10 s at that rate, long
	// enough for the pace to settle and be judged on its average. (Each
	// pull starts with about as many 429s as it has requests in flight when
	// the first 429 comes back; over 2,000 requests that is 1-2%.)
	paceLimit   = 200
	paceBurst   = 20
	paceUsers   = 1_000
	paceLatency = 20 * time.Millisecond
	// faultUsers at faultLatency, 16 in flight: about 6 s without faults, so
	// that the last retries' waits (a second for a Retry-After: 1) weigh little.
	faultUsers   = 2_000
	faultLatency = 20 * time.Millisecond
)

// pacedPull is what one pull against a fake measured.
type pacedPull struct {
	wall       time.Duration
	counts     keepnettest.Counts
	users      []workflows.UserResult
	incomplete int
	pace       keepnet.PaceStats
}

// pullFrom pulls Acme's survey from srv with the given concurrency (0: the
// default) and client options.
func pullFrom(b *testing.B, srv *keepnettest.Server, concurrency int, opts ...keepnet.Option) pacedPull {
	b.Helper()
	c, err := keepnet.New(append([]keepnet.Option{keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	before := srv.Counts()
	ctx := context.Background()
	start := time.Now()
	var r pacedPull
	for u, err := range pullSurvey(ctx, c, workflows.SurveyRequest{
		Companies: in(keepnettest.CompanyAcmeName), Enrollment: keepnettest.SurveyName, Concurrency: concurrency,
	}) {
		if err != nil {
			b.Fatal(err)
		}
		if u.Error != "" {
			r.incomplete++
		}
		r.users = append(r.users, u)
	}
	r.wall = time.Since(start)
	after := srv.Counts()
	r.counts = keepnettest.Counts{Requests: after.Requests - before.Requests, RateLimited: after.RateLimited - before.RateLimited}
	r.pace = c.Pace()
	return r
}

// BenchmarkSurveyPace pulls a survey from a fake that rate-limits at 200
// requests a second without saying so, at concurrency 32 and at the
// default, with and without Retry-After on its 429s. It reports, for each,
// the share of requests refused (target ≤ 5%), the useful throughput as a
// fraction of the limit (target ≥ 0.9) and the users left incomplete
// (target 0). Then, without a limit (40 ms, 16 in flight), the pull with
// the adaptive pace against the same pull with it off (target ≤ 1.0, within
// noise); and under 8% mixed faults against the same pull without them
// (target ≤ 1.5, with identical records).
func BenchmarkSurveyPace(b *testing.B) {
	for range b.N {
		for _, limit := range []struct {
			name       string
			retryAfter time.Duration
		}{{"retry-after", time.Second}, {"bare", 0}} {
			for _, concurrency := range []int{32, 0} {
				// Three pulls, each from a fresh server: a wall time on
				// this shared machine varies by a tenth from run to run,
				// so the throughput reported is the median; the 429 share
				// is the worst of the three, and incomplete users the sum.
				var useful, shares []float64
				incomplete := 0
				for range cpuRepeats {
					srv := keepnettest.NewServer(keepnettest.WithUsers(paceUsers), keepnettest.WithLatency(paceLatency), keepnettest.WithoutRequestLog(),
						keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: paceLimit, Burst: paceBurst, RetryAfter: limit.retryAfter}))
					r := pullFrom(b, srv, concurrency)
					srv.Close()
					if len(r.users) != paceUsers {
						b.Fatalf("%d users pulled, want %d", len(r.users), paceUsers)
					}
					useful = append(useful, float64(r.counts.Requests-r.counts.RateLimited)/r.wall.Seconds()/paceLimit)
					shares = append(shares, float64(r.counts.RateLimited)/float64(r.counts.Requests))
					incomplete += r.incomplete
				}
				slices.Sort(useful)
				name := limit.name + "-c" + map[int]string{32: "32", 0: "default"}[concurrency]
				b.ReportMetric(slices.Max(shares), "429-share-"+name)
				b.ReportMetric(useful[len(useful)/2], "throughput-vs-limit-"+name)
				b.ReportMetric(useful[0], "throughput-vs-limit-min-"+name)
				b.ReportMetric(float64(incomplete), "incomplete-"+name)
			}
		}

		plain := keepnettest.NewServer(keepnettest.WithUsers(benchUsers), keepnettest.WithLatency(benchLatency), keepnettest.WithoutRequestLog())
		adaptive := median(cpuRepeats, func() time.Duration { return pullFrom(b, plain, benchConcurrency).wall })
		fixed := median(cpuRepeats, func() time.Duration {
			return pullFrom(b, plain, benchConcurrency, keepnet.WithAdaptivePace(false)).wall
		})
		plain.Close()
		b.ReportMetric(adaptive.Seconds()/fixed.Seconds(), "unlimited-adaptive-vs-fixed")

		clean := keepnettest.NewServer(keepnettest.WithUsers(faultUsers), keepnettest.WithLatency(faultLatency), keepnettest.WithoutRequestLog())
		base := pullFrom(b, clean, benchConcurrency)
		clean.Close()
		faulty := keepnettest.NewServer(keepnettest.WithUsers(faultUsers), keepnettest.WithLatency(faultLatency), keepnettest.WithoutRequestLog(),
			keepnettest.WithFaults(keepnettest.Faults{
				TooManyRequests: 0.01, TooManyRequestsBare: 0.01, InternalError: 0.015, BadGateway: 0.015, Unavailable: 0.01, Drop: 0.01,
				ExceptRoutes: []string{keepnettest.RouteToken},
			}))
		withFaults := pullFrom(b, faulty, benchConcurrency)
		faulty.Close()
		if withFaults.incomplete != 0 || !reflect.DeepEqual(withFaults.users, base.users) {
			b.Errorf("under faults: %d users incomplete, records equal to the fault-free pull: %v", withFaults.incomplete, reflect.DeepEqual(withFaults.users, base.users))
		}
		b.ReportMetric(withFaults.wall.Seconds()/base.wall.Seconds(), "faults-8pct-vs-clean")
		b.ReportMetric(float64(withFaults.pace.Cuts), "faults-8pct-pace-cuts")
		b.ReportMetric(0, "ns/op")
	}
}
