package keepnet

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// This file holds the adaptive pace: how fast the whole client sends, found
// from the service's 429s, since the service publishes no rate limit.
//
// The pace is a request rate, applied with x/time/rate (SetLimit is the
// actuator); this file is only the controller that decides the rate. It is
// not failsafe-go's adaptive limiter: that one adapts a concurrency limit
// from latency, while the service signals its limit by 429 and not by
// latency, and its limit is a rate: at 20 ms per request, 25 requests a
// second is half a request in flight, too coarse a step for a concurrency
// limit.
//
// The controller is TCP's loss-based control (a multiplicative cut on loss,
// a gradual rise while nothing is lost; loss, for us, is a 429), adapted to
// a rate and to faults that are not congestion:
//   - 429s cut the rate to 90% of the rate the service accepted over the
//     last second, which under a rate limit is the limit itself, once 429s
//     to requests sent since the previous cut are 5% of that second's
//     answers. A lower share is left alone: the service's faults include a
//     429 now and then, which slowing down would not make go away, and
//     cutting for each would drive the pace down step after step. Requests
//     sent before a cut do not count towards the next one: the cut has
//     answered them already. No cut goes below half the rate, so a second
//     with few successes to measure cannot drop the pace to nothing.
//   - Successes raise the rate quickly (15% a second) back to just below
//     the limit the last cut measured, then slowly beyond it (2% a second,
//     faster the longer the service accepts everything, as TCP CUBIC's
//     window grows), probing for a limit that has gone up. The slow probe is
//     what keeps 429s rare: the client crosses the limit slowly and is cut
//     back soon after it does. The first cut has nothing to measure (what
//     the service accepted so far includes whatever burst it allows), so it
//     halves what was being sent, as TCP leaves slow start, and the rate
//     then doubles each second until the next cut measures the limit.
//   - 5xx answers and connection failures do not touch the pace: they are the
//     failing request's problem.
const (
	paceCutFactor   = 0.9
	paceProbeFrom   = 0.95
	paceCutFloor    = 0.5
	paceFirstGrowth = 1.0  // per second, after the first cut
	paceFastGrowth  = 0.15 // per second, below the last cut
	paceSlowGrowth  = 0.02 // per second, above it
	paceMinRate     = 0.2  // requests per second: the slowest the pace goes
	// A cut needs at least paceCutCount 429s making at least paceCutShare
	// of the answers of the last second.
	paceCutCount = 1
	paceCutShare = 0.05
	// The client counts as sending at its pace when its answers of the last
	// two buckets are at least pacePaceBound of the pace.
	pacePaceBound = 0.8
	// Answers are counted in paceBuckets buckets covering the last
	// paceBuckets·paceBucket.
	paceBucket  = 100 * time.Millisecond
	paceBuckets = 10
	// paceLate is how late a pace wait may end before it is made again.
	paceLate = 50 * time.Millisecond
	// paceLogStep is how much the rate must rise before the rise is logged:
	// every success raises it a little.
	paceLogStep = 1.1
)

// PaceStats is what the client's pacing has done so far; see [Client.Pace].
type PaceStats struct {
	// Rate is the current pace in requests per second: the adaptive rate,
	// bounded by [WithRateLimit]; 0 while the client is unpaced (no 429 yet
	// and no rate limit set).
	Rate float64
	// Throttled counts the answers 429 the client received.
	Throttled int64
	// Waited is the time requests spent waiting to retry after a 429, summed
	// over the requests: concurrent waits add up.
	Waited time.Duration
	// Cuts counts how often the pace was lowered after 429s.
	Cuts int64
}

// pacer paces every request of one client: one shared limiter, one
// controller. Without adaptive pacing and without a ceiling it has no
// limiter and costs a request nothing but a lock.
type pacer struct {
	adaptive bool
	ceiling  rate.Limit // the user's bound (WithRateLimit); rate.Inf if none
	lim      *rate.Limiter
	clock    clock
	now      func() time.Time
	log      *slog.Logger

	throttled atomic.Int64
	waited    atomic.Int64 // nanoseconds
	cuts      atomic.Int64

	mu           sync.Mutex
	current      rate.Limit // adaptive rate; rate.Inf until the first cut
	lastCutRate  rate.Limit // the rate before the last cut: where fast growth ends
	epoch        uint64     // advanced by every cut
	lastCut      time.Time
	lastGrow     time.Time
	lastLogged   rate.Limit
	started      time.Time // first request, for the rates' span
	firstRefusal time.Time // first 429 of the run
	lastSuccess  time.Time
	// answers counts answers per bucket of time: accepted ones (ok), all
	// of them, and 429s to requests sent since the last cut.
	answers [paceBuckets]struct {
		id               int64
		ok, all, refused int
	}
}

func newPacer(ceiling float64, adaptive bool, clk clock, log *slog.Logger) *pacer {
	p := &pacer{adaptive: adaptive, ceiling: rate.Inf, clock: clk, now: clk.now, log: log, current: rate.Inf, lastCutRate: rate.Inf}
	if ceiling > 0 {
		p.ceiling = rate.Limit(ceiling)
	}
	if !adaptive && p.ceiling == rate.Inf {
		return p // nothing to pace: no limiter, no cost per request
	}
	// A burst of one spreads requests evenly instead of letting a second's
	// worth go out at once.
	p.lim = rate.NewLimiter(p.ceiling, 1)
	return p
}

// wait blocks until the pace lets one more request go. A wait that ends
// late by more than paceLate (the process was not scheduled: a loaded
// machine, a long GC pause) is made once more: every wait granted during
// the stall would otherwise end at once, in a burst the service refuses.
func (p *pacer) wait(ctx context.Context) error {
	if p.lim != nil {
		for retried := false; ; retried = true {
			start := p.now()
			r := p.lim.ReserveN(start, 1) // a burst of one: always possible
			d := r.DelayFrom(start)
			if d <= 0 {
				break
			}
			if deadline, ok := ctx.Deadline(); ok && deadline.Before(start.Add(d)) {
				// As rate.Limiter.Wait: no point waiting for a turn that
				// comes too late.
				r.CancelAt(start)
				return fmt.Errorf("keepnet: the rate limit allows no request before the context's deadline: %w", context.DeadlineExceeded)
			}
			if err := p.clock.sleep(ctx, d); err != nil {
				r.CancelAt(p.now())
				return err
			}
			if retried || p.now().Sub(start)-d < paceLate {
				break
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started.IsZero() {
		p.started = p.now()
	}
	return nil
}

// epochNow is the current epoch, for a request about to be sent.
func (p *pacer) epochNow() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.epoch
}

// succeeded records an answer that was not a 429 (any status: the service
// accepted the request for processing).
func (p *pacer) succeeded(epoch uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.lastSuccess = now
	p.count(now, true, false)
	if !p.adaptive || p.current == rate.Inf {
		return
	}
	dt := min(now.Sub(p.lastGrow), time.Second).Seconds()
	p.lastGrow = now
	// Beyond the last cut the probe starts slowly and speeds up the longer
	// the service goes on accepting, as TCP CUBIC's window does.
	growth := min(paceSlowGrowth*(1+now.Sub(p.lastCut).Seconds()), paceFastGrowth)
	switch {
	case p.lastCutRate == rate.Inf:
		growth = paceFirstGrowth // after the first cut, which had no measure
	case p.current < p.lastCutRate:
		growth = paceFastGrowth
	}
	next := p.current * rate.Limit(1+growth*dt)
	if p.current < p.lastCutRate {
		next = min(next, p.lastCutRate)
	}
	p.set(next)
	if p.current >= p.lastLogged*paceLogStep {
		p.lastLogged = p.current
		p.log.Debug("keepnet: pace raised", "rate", p.rateNow())
	}
}

// refused records a 429 to a request sent in epoch.
func (p *pacer) refused(epoch uint64) {
	p.throttled.Add(1)
	if !p.adaptive {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.count(now, false, epoch == p.epoch)
	if epoch != p.epoch {
		return // sent before the last cut: the cut has answered it already
	}
	if p.firstRefusal.IsZero() {
		p.firstRefusal = now
	}
	w := p.window(now)
	// A 429 now and then that does not go away when the client slows down
	// is a fault, not the limit: cut only when 429s to requests sent since
	// the last cut are a share of the last second's answers that faults
	// alone rarely reach.
	if w.refused < paceCutCount || float64(w.refused) < paceCutShare*float64(w.all) {
		return
	}
	var next float64
	switch {
	case p.current == rate.Inf:
		// The first cut: half of what the client was sending lately, as
		// TCP leaves slow start. What the service accepted so far includes
		// whatever burst it allows, so it is no measure of its rate; fast
		// growth goes on until the next cut, which has a measure.
		next = paceCutFloor * w.recent
		p.lastCutRate = rate.Inf
	case w.measured && w.recent >= pacePaceBound*float64(p.current):
		// The client was sending at its pace and the service refusing
		// some, so what it accepted is its limit; fast growth ends a
		// little below it, so that the slow probe crosses it slowly.
		next = min(paceCutFactor*w.accepted, paceCutFactor*float64(p.current))
		next = max(next, paceCutFloor*float64(p.current))
		p.lastCutRate = rate.Limit(max(paceProbeFrom*w.accepted, next))
	default:
		// No measure: the service has been refusing for too short a time,
		// or the client sent less than its pace (a stall, then a burst).
		next = paceCutFactor * float64(p.current)
		p.lastCutRate = p.current
	}
	p.set(rate.Limit(next))
	p.epoch++
	for i := range p.answers {
		p.answers[i].refused = 0
	}
	p.lastCut, p.lastGrow, p.lastLogged = now, now, p.current
	p.cuts.Add(1)
	p.log.Debug("keepnet: pace lowered after 429s", "rate", p.rateNow(), "accepted", math.Round(w.accepted*10)/10, "refused", w.refused, "of", w.all)
}

// set changes the adaptive rate, within the floor; the limiter gets it
// bounded by the ceiling.
func (p *pacer) set(r rate.Limit) {
	p.current = max(r, paceMinRate)
	p.lim.SetLimitAt(p.now(), min(p.current, p.ceiling))
}

// count adds an answer to its bucket of time; fresh marks a 429 to a
// request sent since the last cut. mu held.
func (p *pacer) count(now time.Time, ok, fresh bool) {
	id := now.UnixNano() / int64(paceBucket)
	b := &p.answers[id%paceBuckets]
	if b.id != id {
		b.id, b.ok, b.all, b.refused = id, 0, 0, 0
	}
	b.all++
	switch {
	case ok:
		b.ok++
	case fresh:
		b.refused++
	}
}

// paceWindow is the last second of answers.
type paceWindow struct {
	all, refused int // answers, and fresh 429s among them
	// answered is answers per second; accepted is accepted answers per
	// second since the service began refusing (within the last second),
	// when measured: after at least two buckets of refusing, as the bucket
	// where refusing began still holds a burst the service allowed.
	answered, accepted float64
	measured           bool
	// recent is answers per second over this bucket and the one before.
	recent float64
}

// window sums the buckets of the last second (or since the first request,
// if sooner, but over at least one bucket); mu held.
func (p *pacer) window(now time.Time) paceWindow {
	id := now.UnixNano() / int64(paceBucket)
	from := p.firstRefusal.UnixNano()/int64(paceBucket) + 1
	var w paceWindow
	ok := 0
	for _, b := range p.answers {
		if b.id <= id-paceBuckets || b.id > id {
			continue
		}
		w.all += b.all
		w.refused += b.refused
		if b.id >= id-1 {
			w.recent += float64(b.all)
		}
		if b.id >= from {
			ok += b.ok
		}
	}
	span := max(min(now.Sub(p.started), paceBuckets*paceBucket), paceBucket)
	w.answered = float64(w.all) / span.Seconds()
	recentSpan := min(now.Sub(time.Unix(0, (id-1)*int64(paceBucket))), span)
	w.recent /= recentSpan.Seconds()
	if !p.firstRefusal.IsZero() {
		since := now.Sub(time.Unix(0, from*int64(paceBucket)))
		if since >= paceBucket {
			w.measured = true
			w.accepted = float64(ok) / min(since, span).Seconds()
		}
	}
	return w
}

// rateNow is the pace in requests per second, 0 when unpaced; mu held.
func (p *pacer) rateNow() float64 {
	r := min(p.current, p.ceiling)
	if r == rate.Inf {
		return 0
	}
	return math.Round(float64(r)*10) / 10
}

// progress is when the client last had a request accepted, or since when it
// has been refused: the later of the last success and since.
func (p *pacer) progress(since time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lastSuccess.After(since) {
		return p.lastSuccess
	}
	return since
}

func (p *pacer) stats() PaceStats {
	p.mu.Lock()
	r := p.rateNow()
	p.mu.Unlock()
	return PaceStats{Rate: r, Throttled: p.throttled.Load(), Waited: time.Duration(p.waited.Load()), Cuts: p.cuts.Load()}
}
