package workflows_test

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// The short pulls of issue 21: what a reseller's nightly script pulling one
// customer after another meets. Each pull is about 430 requests, some 17 s
// at the limit.
const (
	shortLimit = 25
	// shortBurst is a second's worth: with it, the issue's stand-in
	// measures what it measured (a quarter of the requests refused at
	// concurrency 32, and 1.02-1.05× the limit).
	shortBurst = 25
	shortUsers = 200
	// shortRepeats pairs run side by side, each on its own fake: at 25
	// requests a second they cost little CPU, and one after another they
	// would take minutes.
	shortRepeats = 3
	// faultSeeds is how many fault patterns the issue's fault pull is
	// measured under: which request fails, and whether its retry fails
	// again, decides the tail of a 5-second pull.
	faultSeeds = 3
)

// shortPair is a first pull with no memory, and a second with what the
// first learned, right after it, from the same fake.
type shortPair struct{ first, second pacedPull }

// BenchmarkSurveyPaceShort pulls a 200-user survey from a fake that
// rate-limits at 25 requests a second (a burst of a second's worth, 429s
// with Retry-After: 1) without saying so, at concurrency 32 and at the
// default. Each pull is followed at once by a second from a new client with
// the pace memory the first left. It reports for the first pulls the worst
// 429 share (target ≤ 5%) and the median useful throughput against the
// limit (target ≥ 0.9), the same for the second pulls (target ≤ 1% of
// 429s), and users left incomplete. Then, under the issue's 8% of mixed
// faults (a fifth of them 429s with Retry-After: 1), 1,000 users at 20 ms
// and the default concurrency, the wall time against the same pull without
// faults, for three fault patterns (target ≤ 1.5, records identical).
func BenchmarkSurveyPaceShort(b *testing.B) {
	for range b.N {
		for _, concurrency := range []int{32, 0} {
			pairs := make([]shortPair, shortRepeats)
			var wg sync.WaitGroup
			for i := range pairs {
				wg.Go(func() { pairs[i] = shortPairFrom(b, concurrency) })
			}
			wg.Wait()
			name := map[int]string{32: "c32", 0: "cdefault"}[concurrency]
			reportShort(b, "first-"+name, pairs, func(p shortPair) pacedPull { return p.first })
			reportShort(b, "second-"+name, pairs, func(p shortPair) pacedPull { return p.second })
		}

		clean := keepnettest.NewServer(keepnettest.WithUsers(paceUsers), keepnettest.WithLatency(faultLatency), keepnettest.WithoutRequestLog())
		base := pullFrom(b, clean, 0)
		clean.Close()
		var ratios []float64
		for seed := range uint64(faultSeeds) {
			ratios = append(ratios, issueFaultsRatio(b, base, seed+1))
		}
		slices.Sort(ratios)
		b.ReportMetric(ratios[len(ratios)/2], "faults-issue-vs-clean")
		b.ReportMetric(ratios[len(ratios)-1], "faults-issue-vs-clean-max")
		b.ReportMetric(0, "ns/op")
	}
}

// shortPairFrom pulls twice from a fresh limited fake, the second time with
// the pace memory the first pull left.
func shortPairFrom(b *testing.B, concurrency int) shortPair {
	srv := keepnettest.NewServer(keepnettest.WithUsers(shortUsers), keepnettest.WithLatency(paceLatency), keepnettest.WithoutRequestLog(),
		keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: shortLimit, Burst: shortBurst, RetryAfter: time.Second}))
	defer srv.Close()
	memory := b.TempDir()
	var p shortPair
	p.first = pullFrom(b, srv, concurrency, keepnet.WithPaceMemory(memory))
	p.second = pullFrom(b, srv, concurrency, keepnet.WithPaceMemory(memory))
	return p
}

// reportShort reports the worst 429 share, the median and lowest useful
// throughput against the limit, and the incomplete users of one pull of
// each pair.
func reportShort(b *testing.B, name string, pairs []shortPair, pick func(shortPair) pacedPull) {
	var shares, useful []float64
	incomplete := 0
	for _, pair := range pairs {
		r := pick(pair)
		if len(r.users) != shortUsers {
			b.Fatalf("%s: %d users pulled, want %d", name, len(r.users), shortUsers)
		}
		shares = append(shares, float64(r.counts.RateLimited)/float64(r.counts.Requests))
		useful = append(useful, float64(r.counts.Requests-r.counts.RateLimited)/r.wall.Seconds()/shortLimit)
		incomplete += r.incomplete
	}
	slices.Sort(useful)
	b.ReportMetric(slices.Max(shares), "429-share-short-"+name)
	b.ReportMetric(useful[len(useful)/2], "throughput-vs-limit-short-"+name)
	b.ReportMetric(useful[0], "throughput-vs-limit-min-short-"+name)
	b.ReportMetric(float64(incomplete), "incomplete-short-"+name)
}

// issueFaultsRatio is the wall time of the issue's fault pull (1,000 users
// at 20 ms, default concurrency, 8% faults of which a fifth are 429s with
// Retry-After: 1) against base, the same pull without faults, for one fault
// pattern; the records must be the same.
func issueFaultsRatio(b *testing.B, base pacedPull, seed uint64) float64 {
	faulty := keepnettest.NewServer(keepnettest.WithUsers(paceUsers), keepnettest.WithLatency(faultLatency), keepnettest.WithoutRequestLog(),
		keepnettest.WithFaults(keepnettest.Faults{
			Seed:            seed,
			TooManyRequests: 0.016, InternalError: 0.016, BadGateway: 0.016, Unavailable: 0.016, Drop: 0.016,
			ExceptRoutes: []string{keepnettest.RouteToken},
		}))
	withFaults := pullFrom(b, faulty, 0)
	faulty.Close()
	if withFaults.incomplete != 0 || !reflect.DeepEqual(withFaults.users, base.users) {
		b.Errorf("fault seed %d: %d users incomplete, records equal to the fault-free pull: %v",
			seed, withFaults.incomplete, reflect.DeepEqual(withFaults.users, base.users))
	}
	b.ReportMetric(float64(withFaults.pace.Cuts), fmt.Sprintf("faults-issue-seed%d-pace-cuts", seed))
	return withFaults.wall.Seconds() / base.wall.Seconds()
}
