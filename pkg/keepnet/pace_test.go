package keepnet

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"
)

// paceSim drives a pacer in virtual time against a service, without the
// limiter's real waits: each step of 10 ms the client sends what its pace
// (and its demand) allows, and the service answers at once.
type paceSim struct {
	p   *pacer
	now time.Time
	// service decides each request; true accepts it.
	service func(now time.Time) bool
	// demand is what the client would send unpaced, per second.
	demand float64

	sent, refused, accepted int
	credit                  float64
}

func newPaceSim(adaptive bool, ceiling, demand float64, service func(time.Time) bool) *paceSim {
	s := &paceSim{now: time.Date(2026, 1, 22, 13, 30, 0, 0, time.UTC), service: service, demand: demand}
	s.p = newPacer(ceiling, adaptive, realClock{}, slog.New(slog.DiscardHandler))
	s.p.now = func() time.Time { return s.now }
	s.p.started = s.now
	return s
}

// run advances d, returning the 429 share and accepted rate over it.
func (s *paceSim) run(d time.Duration) (refusedShare, acceptedRate float64) {
	const step = 10 * time.Millisecond
	sent0, refused0, accepted0 := s.sent, s.refused, s.accepted
	for end := s.now.Add(d); s.now.Before(end); s.now = s.now.Add(step) {
		r := s.demand
		if s.p.lim != nil {
			r = min(r, float64(s.p.lim.Limit()))
		}
		s.credit += r * step.Seconds()
		for ; s.credit >= 1; s.credit-- {
			epoch := s.p.epochNow()
			s.sent++
			if s.service(s.now) {
				s.accepted++
				s.p.succeeded(epoch)
			} else {
				s.refused++
				s.p.refused(epoch)
			}
		}
	}
	n := s.sent - sent0
	return float64(s.refused-refused0) / float64(max(n, 1)), float64(s.accepted-accepted0) / d.Seconds()
}

// tokenBucket is a rate limit of rps with a burst, in virtual time.
func tokenBucket(rps float64, burst int) func(time.Time) bool {
	tokens, last := float64(burst), time.Time{}
	return func(now time.Time) bool {
		if !last.IsZero() {
			tokens = min(float64(burst), tokens+rps*now.Sub(last).Seconds())
		}
		last = now
		if tokens >= 1 {
			tokens--
			return true
		}
		return false
	}
}

func TestPaceFindsAnUnpublishedLimit(t *testing.T) {
	for _, tt := range []struct {
		name          string
		limit, demand float64
	}{
		{"25/s, client could send 400/s", 25, 400},
		{"200/s, client could send 1600/s", 200, 1600},
		{"5/s, client could send 50/s", 5, 50},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newPaceSim(true, 0, tt.demand, tokenBucket(tt.limit, 10))
			s.run(20 * time.Second) // finding the limit
			share, accepted := s.run(60 * time.Second)
			if share > 0.05 {
				t.Errorf("429s are %.1f%% of requests once settled, want at most 5%%", 100*share)
			}
			if accepted < 0.9*tt.limit {
				t.Errorf("accepted %.1f/s, want at least 90%% of the limit %g/s", accepted, tt.limit)
			}
			if s.p.cuts.Load() == 0 {
				t.Error("the pace was never cut: the test proves nothing")
			}
		})
	}
}

func TestPaceFollowsALimitThatChanges(t *testing.T) {
	limit := 100.0
	bucket := tokenBucket(100, 10)
	lowered := tokenBucket(30, 10)
	s := newPaceSim(true, 0, 1000, func(now time.Time) bool {
		if limit == 100 {
			return bucket(now)
		}
		return lowered(now)
	})
	s.run(30 * time.Second)
	limit = 30 // another client of the same credential starts
	s.run(10 * time.Second)
	share, accepted := s.run(30 * time.Second)
	if share > 0.05 || accepted < 0.9*30 {
		t.Errorf("after the limit fell to 30/s: 429s %.1f%%, accepted %.1f/s", 100*share, accepted)
	}
}

func TestPaceIgnoresSporadic429s(t *testing.T) {
	// The service refuses 2% of requests at random, whatever the rate: a
	// fault, not a limit. The client must go on at its own speed.
	rng := rand.New(rand.NewPCG(1, 2))
	s := newPaceSim(true, 0, 500, func(time.Time) bool { return rng.Float64() >= 0.02 })
	_, accepted := s.run(60 * time.Second)
	if accepted < 0.95*500*0.98 {
		t.Errorf("accepted %.1f/s under 2%% random 429s, want about %g/s: the pace fell for faults (%d cuts)", accepted, 500*0.98, s.p.cuts.Load())
	}
	if s.refused == 0 {
		t.Fatal("no 429s: the test proves nothing")
	}
}

func TestPaceStaysWithinTheCeiling(t *testing.T) {
	s := newPaceSim(true, 40, 1000, func(time.Time) bool { return true })
	_, accepted := s.run(30 * time.Second)
	if accepted > 40.5 {
		t.Errorf("sent %.1f/s with WithRateLimit(40)", accepted)
	}
	// After a cut, growth must not carry the limiter beyond the ceiling.
	s.service = tokenBucket(30, 1)
	s.run(30 * time.Second)
	s.service = func(time.Time) bool { return true }
	s.run(120 * time.Second)
	if got := float64(s.p.lim.Limit()); got > 40 {
		t.Errorf("limiter at %.1f/s, above the ceiling of 40", got)
	}
}

func TestPaceOffLeavesTheRateAlone(t *testing.T) {
	s := newPaceSim(false, 0, 300, tokenBucket(50, 10))
	s.run(10 * time.Second)
	if s.p.lim != nil || s.p.cuts.Load() != 0 {
		t.Errorf("adaptive pace off: limiter %v, %d cuts", s.p.lim, s.p.cuts.Load())
	}
	if st := s.p.stats(); st.Throttled != int64(s.refused) || st.Rate != 0 {
		t.Errorf("stats %+v, want %d throttled and no rate", st, s.refused)
	}
}

func TestPaceStatsAndLog(t *testing.T) {
	var log strings.Builder
	s := newPaceSim(true, 0, 400, tokenBucket(50, 5))
	s.p.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.run(10 * time.Second)
	st := s.p.stats()
	if st.Throttled != int64(s.refused) || st.Cuts == 0 || st.Rate <= 0 || math.IsInf(st.Rate, 0) {
		t.Errorf("stats %+v after %d 429s", st, s.refused)
	}
	if n := strings.Count(log.String(), "pace lowered"); int64(n) != st.Cuts {
		t.Errorf("%d cuts logged, %d made", n, st.Cuts)
	}
	if !strings.Contains(log.String(), "pace raised") {
		t.Error("no rise of the pace logged")
	}
}

// The retry loop: 429s are not failed attempts, and a request gives up only
// when the service has refused everything for MaxThrottled.
func TestThrottledRequestsRetryUntilTheServiceRefusesEverything(t *testing.T) {
	t.Run("many 429s then success", func(t *testing.T) {
		answers := make([]answer, 0, 11)
		for range 10 {
			answers = append(answers, answer{status: 429})
		}
		handler, hits := scripted(append(answers, answer{status: 200})...)
		s := newAPIServer(t, handler)
		c, _ := newTestClient(t, s)
		if err := createEnrollment(context.Background(), c.ForCompany("co-acme-0001")); err != nil {
			t.Fatalf("a create refused 10 times with 429 then accepted: %v", err)
		}
		if n := hits.Load(); n != 11 {
			t.Errorf("requests = %d, want 11", n)
		}
		if st := c.Pace(); st.Throttled != 10 || st.Waited <= 0 {
			t.Errorf("pace stats %+v, want 10 throttled and some wait", st)
		}
	})
	t.Run("refused for MaxThrottled", func(t *testing.T) {
		handler, hits := scripted(answer{status: 429, retryAfter: "60"})
		s := newAPIServer(t, handler)
		c, fc := newTestClient(t, s, WithRetry(RetryPolicy{MaxThrottled: 5 * time.Minute}))
		err := searchEnrollments(context.Background(), c.ForCompany("co-acme-0001"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("got %v, want the 429", err)
		}
		if !strings.Contains(err.Error(), "429 to every request") || !strings.Contains(err.Error(), "5m0s") {
			t.Errorf("error %q does not say the service refused everything for 5m0s", err)
		}
		var total time.Duration
		for _, w := range fc.sleeps() {
			total += w
		}
		if total != 5*time.Minute || hits.Load() != 6 {
			t.Errorf("waited %s over %d requests, want 5m0s over 6 (Retry-After: 60)", total, hits.Load())
		}
	})
	t.Run("Retry-After beyond the cap", func(t *testing.T) {
		handler, _ := scripted(answer{status: 429, retryAfter: "3600"}, answer{status: 200})
		s := newAPIServer(t, handler)
		c, fc := newTestClient(t, s, WithRetry(RetryPolicy{MaxRetryAfter: 2 * time.Minute}))
		if err := getEnrollment(context.Background(), c.ForCompany("co-acme-0001")); err != nil {
			t.Fatal(err)
		}
		if got := fc.sleeps(); len(got) != 1 || got[0] != 2*time.Minute {
			t.Errorf("waits = %v, want the Retry-After of an hour cut to 2m0s", got)
		}
	})
	t.Run("5xx still count as attempts", func(t *testing.T) {
		handler, hits := scripted(answer{status: 429}, answer{status: 503}, answer{status: 429}, answer{status: 503}, answer{status: 503}, answer{status: 503}, answer{status: 200})
		s := newAPIServer(t, handler)
		c, _ := newTestClient(t, s)
		err := searchEnrollments(context.Background(), c.ForCompany("co-acme-0001"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Fatalf("got %v, want the 503 after 4 failed attempts", err)
		}
		if n := hits.Load(); n != 6 {
			t.Errorf("requests = %d, want 6 (two 429s and four 503s)", n)
		}
	})
}
