package keepnet

import (
	"context"
	"log/slog"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// The controller is tested in virtual time: pullSim runs a survey pull's
// requests through the pacer against a service with a hidden limit or
// faults. The bounds are the behaviour, with room; the targets themselves
// are measured against the fake in `make bench`.

// shortPull is a 200-user survey pull (about 425 requests) at 20 ms.
func shortPull(concurrency int, limit float64, burst int) pullSim {
	return pullSim{concurrency: concurrency, setup: 5, requests: 420, latency: 20 * time.Millisecond,
		limit: limit, burst: burst, retryAfter: time.Second}
}

// longPull is a 1,000-user survey pull (about 2,000 requests) at 20 ms.
func longPull(concurrency int, limit float64, burst int, retryAfter time.Duration) pullSim {
	return pullSim{concurrency: concurrency, setup: 5, requests: 2010, latency: 20 * time.Millisecond,
		limit: limit, burst: burst, retryAfter: retryAfter}
}

func runSim(s pullSim, opts ...func(*pacer)) (pullSimResult, *pacer) {
	var now time.Time
	p := newSimPacer(&now, opts...)
	return s.run(p, &now), p
}

func TestPaceFindsAnUnpublishedLimit(t *testing.T) {
	for _, tt := range []struct {
		name string
		sim  pullSim
	}{
		{"25/s, burst of a second, 8 in flight", shortPull(8, 25, 25)},
		{"25/s, burst of 5, 8 in flight", shortPull(8, 25, 5)},
		{"25/s, burst of a second, 32 in flight", shortPull(32, 25, 25)},
		{"200/s, burst 20, 32 in flight, Retry-After: 1", longPull(32, 200, 20, time.Second)},
		{"200/s, burst 20, 8 in flight, no Retry-After", longPull(8, 200, 20, 0)},
		{"5/s, burst 5, 8 in flight", pullSim{concurrency: 8, setup: 5, requests: 300, latency: 20 * time.Millisecond, limit: 5, burst: 5, retryAfter: time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, p := runSim(tt.sim)
			// Unpaced at first, a pull loses about a round of requests
			// in flight when the service's burst runs out; the rest of
			// the 429s are the controller's.
			if extra := r.refused - tt.sim.concurrency; float64(extra) > 0.07*float64(r.sent) {
				t.Errorf("%d 429s of %d requests, %d beyond the first round: want at most 7%% of the requests", r.refused, r.sent, extra)
			}
			if useful := r.useful() / tt.sim.limit; useful < 0.85 {
				t.Errorf("accepted %.2f× the limit, want at least 0.85", useful)
			}
			if p.cuts.Load() == 0 {
				t.Error("the pace was never cut: the test proves nothing")
			}
		})
	}
}

// The first estimate is what the service accepted over the last second,
// not a share of what the client sent: the pace starts there, not far
// above the limit to come down cut after cut, and holds there for a
// measure.
func TestPaceFirstEstimateIsWhatWasAccepted(t *testing.T) {
	now := simStart
	p := newSimPacer(&now)
	// 30 accepted within 100 ms (a burst), then 429s.
	for range 30 {
		now = now.Add(3 * time.Millisecond)
		p.succeeded(paceTurn{rate: rate.Inf})
	}
	for range 4 {
		p.refused(paceTurn{rate: rate.Inf})
	}
	want := 30.0 // per second: the burst counts over a whole second
	if got := float64(p.current); math.Abs(got-want) > 0.01 {
		t.Errorf("pace %.1f/s after 30 accepted and four 429s, want %.1f", got, want)
	}
	if p.refusal.at.IsZero() || !p.refusal.first {
		t.Error("the first estimate does not hold for a measure")
	}
}

// A run that starts on a spent limit (its first requests all refused)
// has nothing to estimate from: the pace stays off, rather than dropping
// to its floor of a request every few seconds, and the refused requests
// wait out their backoff; once something is accepted, 429s set the pace.
func TestPaceFromNothingAcceptedStaysOff(t *testing.T) {
	now := simStart
	p := newSimPacer(&now)
	for range 6 {
		now = now.Add(time.Millisecond)
		p.refused(paceTurn{rate: rate.Inf})
	}
	if p.current != rate.Inf || p.cuts.Load() != 0 {
		t.Fatalf("pace %v after %d cuts, with nothing accepted yet; want unpaced", p.current, p.cuts.Load())
	}
	for range 20 {
		now = now.Add(5 * time.Millisecond)
		p.succeeded(paceTurn{rate: rate.Inf})
	}
	for range 4 {
		p.refused(paceTurn{rate: rate.Inf})
	}
	if p.current == rate.Inf {
		t.Error("429s after accepted answers did not set the pace")
	}
}

// A lone 429 among many accepted answers is no limit: the client stays
// unpaced.
func TestPaceALone429IsNoLimit(t *testing.T) {
	now := simStart
	p := newSimPacer(&now)
	for i := range 400 {
		now = now.Add(2 * time.Millisecond)
		if i%100 == 50 {
			p.refused(paceTurn{rate: rate.Inf})
			continue
		}
		p.succeeded(paceTurn{rate: rate.Inf})
	}
	if p.current != rate.Inf || p.cuts.Load() != 0 {
		t.Errorf("pace %v after %d cuts; 429s at 1%% must not pace the client", p.current, p.cuts.Load())
	}
}

// Faults refuse a share of requests whatever the pace; the client must go
// on at about its own speed.
func TestPaceFaultsAreNotALimit(t *testing.T) {
	clean, _ := runSim(pullSim{concurrency: 8, setup: 5, requests: 2010, latency: 20 * time.Millisecond})
	for _, tt := range []struct {
		share float64
		slack float64 // the faulty pull's time over the clean one's, at most
	}{
		// Each 429 waits out a Retry-After of a second, which at the end
		// of the pull is time no pace can save.
		{0.02, 1.5},
		{0.05, 1.9},
		// A tenth of all requests refused: cuts may happen, but the checks
		// that follow them undo them, so the pace cannot sink.
		{0.10, 4},
	} {
		for seed := range uint64(3) {
			r, p := runSim(pullSim{concurrency: 8, setup: 5, requests: 2010, latency: 20 * time.Millisecond, faults: tt.share, seed: seed})
			if r.wall.Seconds() > tt.slack*clean.wall.Seconds() {
				t.Errorf("%.0f%% random 429s, seed %d: %.1f s against %.1f s without faults, want at most %.1f×; %d cuts, %d undone",
					100*tt.share, seed, r.wall.Seconds(), clean.wall.Seconds(), tt.slack, p.cuts.Load(), p.undone.Load())
			}
			if r.refused == 0 {
				t.Fatal("no 429s: the test proves nothing")
			}
		}
	}
}

// Under a limit and faults at once, the 429s beyond the faults are the
// limit's and are cut for.
func TestPaceTellsALimitFromFaults(t *testing.T) {
	s := shortPull(8, 25, 25)
	s.faults = 0.02
	for seed := range uint64(3) {
		s.seed = seed
		r, _ := runSim(s)
		if limitShare := float64(r.limitRefused) / float64(r.sent); limitShare > 0.08 {
			t.Errorf("seed %d: the limit refused %.1f%% of the requests", seed, 100*limitShare)
		}
		if useful := r.useful() / s.limit; useful < 0.85 {
			t.Errorf("seed %d: accepted %.2f× the limit", seed, useful)
		}
	}
}

// A cut's check: 429s going on at the share that caused the cut, at the
// lower pace, are faults, and the cut is undone; none at all halves the
// faults' share.
func TestPaceCheckTellsFaultsByTheirShare(t *testing.T) {
	now := simStart
	p := newSimPacer(&now)
	p.startAt(100)
	p.set(100)
	p.faults = 0.04
	p.check = paceCheck{active: true, epoch: p.epoch, share: 0.1, from: 120}
	for i := range 200 {
		now = now.Add(10 * time.Millisecond)
		if !p.check.active {
			break
		}
		p.checkAnswer(p.epoch, i%10 == 0)
	}
	if p.undone.Load() != 1 || float64(p.current) != 120 || p.faults != 0.1 || !p.searching {
		t.Errorf("after 429s at 10%% both before and after the cut: pace %v, faults %.2f, %d undone, searching %v; want 120, 0.10, 1, true",
			p.current, p.faults, p.undone.Load(), p.searching)
	}

	p.check = paceCheck{active: true, epoch: p.epoch, share: 0.1, from: 150}
	for range 200 {
		if !p.check.active {
			break
		}
		p.checkAnswer(p.epoch, false)
	}
	if p.faults != 0.05 || float64(p.current) != 120 {
		t.Errorf("after no 429s at the cut's pace: faults %.2f, pace %v; want 0.05 and the pace kept", p.faults, p.current)
	}
}

func TestPaceFollowsALimitThatChanges(t *testing.T) {
	s := longPull(16, 100, 10, time.Second)
	s.requests = 4000
	s.limitAfter, s.newLimit = 10*time.Second, 30 // another client of the same credential starts
	r, p := runSim(s)
	if r.wall < 40*time.Second {
		t.Fatalf("the pull took %s: the lower limit hardly mattered", r.wall)
	}
	if p.limit > 33 || p.limit < 25 {
		t.Errorf("limit measured at %.1f/s after it fell to 30", p.limit)
	}
	if share := float64(r.limitRefused) / float64(r.sent); share > 0.05 {
		t.Errorf("the limit refused %.1f%% of the requests", 100*share)
	}
}

func TestPaceStaysWithinTheCeiling(t *testing.T) {
	ceiling := func(p *pacer) {
		p.ceiling = 40
		p.lim.SetLimit(40)
	}
	r, _ := runSim(shortPull(16, 0, 0), ceiling)
	if got := r.useful(); got > 40.5 {
		t.Errorf("sent %.1f/s with a ceiling of 40", got)
	}
	// Growth after the cuts must not carry the pace beyond the ceiling.
	s := shortPull(16, 30, 5)
	s.requests = 2000
	_, p := runSim(s, ceiling)
	if got := float64(p.lim.Limit()); got > 40 || p.current > 40 || p.cuts.Load() == 0 {
		t.Errorf("limiter at %.1f/s, pace %v after %d cuts, with a ceiling of 40", got, p.current, p.cuts.Load())
	}
}

func TestPaceOffLeavesTheRateAlone(t *testing.T) {
	p := newPacer(0, false, realClock{}, slog.New(slog.DiscardHandler))
	for range 10 {
		p.refused(paceTurn{})
	}
	if p.lim != nil || p.cuts.Load() != 0 {
		t.Errorf("adaptive pace off: limiter %v, %d cuts", p.lim, p.cuts.Load())
	}
	if st := p.stats(); st.Throttled != 10 || st.Rate != 0 {
		t.Errorf("stats %+v, want 10 throttled and no rate", st)
	}
}

func TestPaceStatsAndLog(t *testing.T) {
	var log strings.Builder
	r, p := runSim(shortPull(8, 50, 5), func(p *pacer) {
		p.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	st := p.stats()
	if st.Throttled != int64(r.refused) || st.Cuts == 0 || st.Rate <= 0 || math.IsInf(st.Rate, 0) {
		t.Errorf("stats %+v after %d 429s", st, r.refused)
	}
	if n := strings.Count(log.String(), "pace lowered"); int64(n) != st.Cuts {
		t.Errorf("%d cuts logged, %d made", n, st.Cuts)
	}
	if !strings.Contains(log.String(), "pace raised") {
		t.Error("no rise of the pace logged")
	}
}

// A rerun that starts from the limit an earlier run measured is refused
// next to nothing, and still probes above it.
func TestPaceStartsFromALearnedLimit(t *testing.T) {
	first, p1 := runSim(shortPull(8, 25, 25))
	if !p1.measured {
		t.Fatalf("the first pull measured no limit (%+v)", first)
	}
	second, p2 := runSim(shortPull(8, 25, 25), func(p *pacer) { p.startAt(p1.limit) })
	if second.refused > 5 || second.refused*3 > first.refused {
		t.Errorf("second pull: %d 429s, first %d", second.refused, first.refused)
	}
	if p2.cuts.Load() == 0 {
		t.Error("the second pull never probed above the learned limit")
	}
	if useful := second.useful() / 25; useful < 0.9 {
		t.Errorf("second pull accepted %.2f× the limit", useful)
	}
}

// A limit raised since it was learned is found.
func TestPaceFindsALimitRaisedSinceItWasLearned(t *testing.T) {
	s := longPull(16, 50, 10, time.Second)
	s.requests = 1500
	r, p := runSim(s, func(p *pacer) { p.startAt(25) })
	if p.current < 40 || r.useful() < 30 {
		t.Errorf("pace %.1f/s, accepted %.1f/s, after starting from 25/s under a limit of 50", p.current, r.useful())
	}
}

// heldClock is a clock whose sleeps wait until the test lets them end, so
// that a test can act while requests wait for their turn.
type heldClock struct {
	mu      sync.Mutex
	t       time.Time
	asked   chan time.Duration
	release chan struct{}
}

func (c *heldClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *heldClock) sleep(ctx context.Context, d time.Duration) error {
	c.asked <- d
	<-c.release
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *heldClock) jitter(d time.Duration) time.Duration { return d }

// Requests waiting for the pace go at the pace of their turn: after a cut,
// the next one waits at the new pace, not at the one it would have
// reserved a turn at while the others waited.
func TestPaceACutTakesEffectAtTheNextRequest(t *testing.T) {
	clk := &heldClock{t: simStart, asked: make(chan time.Duration), release: make(chan struct{})}
	p := newPacer(0, true, clk, slog.New(slog.DiscardHandler))
	p.mu.Lock()
	p.set(10)
	p.mu.Unlock()
	ctx := context.Background()
	if _, err := p.wait(ctx); err != nil { // the limiter's one token
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := p.wait(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	if d := <-clk.asked; d != 100*time.Millisecond {
		t.Fatalf("the first waiting request waits %v at 10/s, want 100ms", d)
	}
	// Let the other four run as far as they can: without the gate, each
	// would reserve a turn at 10/s now.
	for range 1000 {
		runtime.Gosched()
	}
	p.mu.Lock()
	p.set(1) // a cut while five requests wait
	p.mu.Unlock()
	clk.release <- struct{}{}
	var after []time.Duration
	for {
		select {
		case d := <-clk.asked:
			after = append(after, d)
			clk.release <- struct{}{}
			continue
		case <-done:
		}
		break
	}
	if len(after) != 4 || after[0] < 900*time.Millisecond {
		t.Errorf("after a cut to 1/s the four waiting requests waited %v, want four waits, the first about a second or more", after)
	}
}
