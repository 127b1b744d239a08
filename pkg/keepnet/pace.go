package keepnet

import (
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"
)

// This file holds the adaptive pace: how fast the whole client sends,
// found from the service's 429s, since the service publishes no rate limit.
// pace_control.go decides it; pace_memory.go keeps it for the next client;
// pace_turn.go and pace_start.go are how a request waits for it.
//
// The pace is a request rate, applied with x/time/rate (SetLimit is the
// actuator). It is not failsafe-go's adaptive limiter: that one adapts a
// concurrency limit from latency, while the service signals its limit by
// 429 and not by latency, and its limit is a rate: at 20 ms per request, 25
// requests a second is half a request in flight. One request at a time
// waits on the limiter (the gate in wait): a turn x/time/rate has reserved
// keeps its time when the rate changes, so requests queued on the limiter
// would go at the old pace for as long as their queue lasts.
//
// The model is a service that refuses what goes beyond a rate, after a
// burst, and besides refuses a request now and then (a fault).
//   - The slow start. A client starts unpaced, so that a pull the service
//     does not limit pays next to nothing for the pacing, but with a window
//     of requests in flight that grows with each accepted answer (see
//     pace_start.go): a pull loses about the requests it has in flight when
//     the burst runs out, sent before the first 429 came back.
//   - The first estimate. On the first 429s the pace is set to what the
//     service accepted over the last second, counted over a whole second
//     even in a younger client, so that its burst is not taken for its
//     rate, and holds there for a measure (below). When the measure shows
//     the estimate was below the limit, the pace searches: it rises ever
//     faster until it is refused again.
//   - Measuring. After a 429 the service's bucket is empty, so what it
//     accepts from then on is its rate. The pace holds until enough answers
//     give that measure, and is then cut to 90% of it; 429s too many to wait
//     for cut at once on a rougher measure.
//   - Probing. Below the measured limit the pace rises fast; above it,
//     slowly at first and faster the longer the service accepts everything,
//     as TCP CUBIC's window grows: slowly, because the service refills its
//     bucket while the client is below its rate, and the limit shows only
//     once that reserve is spent; faster, to find a limit that was raised.
//     A 429 above the measured limit goes back below it at once.
//   - A limit is not a fault. A limit's 429s follow the pace: they come as
//     it rises past the limit and stop below it, while faults refuse the
//     same share at any pace. So a cut needs more 429s than faults explain
//     (a share of the last second's answers, above the faults' share seen so
//     far); a hold ends when the service turns out to accept about all that
//     is sent; and every cut but the first is checked on the answers at its
//     lower pace, by a sequential test between a limit (next to no 429s
//     there) and faults (the same share as before the cut). Faults undo the
//     cut, and their share is what later cuts must exceed; a limit halves
//     it. The first cut is not undone: that would send unpaced again, and
//     under a limit lose a round of requests. A fault's 429 is retried after
//     its Retry-After by the retry loop and slows no one else; so do 5xx
//     answers and connection failures, which do not touch the pace.
//   - Memory. The limit a client measures is kept (WithPaceMemory), and the
//     next client of the same base URL and client ID starts just below it,
//     as after a cut that measured it, and probes above it. It is kept for
//     a day: a limit the service lowered meanwhile costs a measured cut.
//   - The pace rises only while it holds requests back: a client waiting
//     for a page, or with few requests left, would raise it untested.

const (
	paceCutFactor = 0.9  // a cut's pace, of its estimate
	paceProbeFrom = 0.95 // of the limit: fast growth ends, the probe begins
	paceMinRate   = 0.2  // requests per second: the slowest the pace goes

	// A cut needs fresh 429s making a share of the last second's answers:
	// paceFirstCount and paceFirstShare while unpaced, paceCutCount and
	// paceCutShare after, one above a measured limit; more when faults
	// have been seen (see need).
	paceFirstCount = 3
	paceFirstShare = 0.1
	paceCutCount   = 2
	paceCutShare   = 0.05
	// Once refused, the pace holds until there is a measure of the limit,
	// unless paceHoldCount 429s make paceHoldShare of the answers since
	// the first.
	paceHoldCount = 5
	paceHoldShare = 0.25

	// While searching the pace rises by paceSearchGrowth a second at
	// first, and paceSearchGrowth more after each paceSearchRamp, up to
	// paceSearchMax: slowly while it may be just below the limit, fast
	// when the first estimate was far below it.
	paceSearchGrowth = 0.5
	paceSearchRamp   = 125 * time.Millisecond
	paceSearchMax    = 5.0
	paceFastGrowth   = 0.15 // per second, below the limit
	paceProbeGrowth  = 0.01 // per second, above it, at first

	// A measure of the limit rests on at least paceMeasureAnswers accepted
	// answers over at least paceMeasureSpan: at 25 a second, one more or
	// less out of five would move it by a fifth.
	paceMeasureAnswers = 8
	paceMeasureSpan    = 100 * time.Millisecond

	// A cut's check decides at odds of paceCheckOdds to one, against a
	// limit refusing paceCheckLimit of the requests at the cut's pace.
	paceCheckOdds  = 20
	paceCheckLimit = 0.02
	// paceMaxFaults bounds the faults' share a cut must exceed: a limit
	// taken for faults must still be cut for.
	paceMaxFaults = 0.1

	// Answers are counted in paceBuckets buckets of paceBucket: the last
	// second.
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
	gate     *semaphore.Weighted // one waiter on lim at a time
	clock    clock
	now      func() time.Time
	log      *slog.Logger

	throttled atomic.Int64
	waited    atomic.Int64 // nanoseconds
	cuts      atomic.Int64
	undone    atomic.Int64

	// memory keeps the measured limit for the next client; nil if none.
	memory *paceMemory

	mu sync.Mutex
	// current is the adaptive pace; rate.Inf while unpaced.
	current rate.Limit
	// limit is the service's rate as last estimated; 0 if none was.
	// measured is set when it was measured rather than guessed from a
	// share of 429s.
	limit    float64
	measured bool
	// searching is set from the first estimate until the pace crosses the
	// limit: it rises fast.
	searching bool
	// faults is the share of 429s that did not follow the pace (see
	// checkAnswer).
	faults      float64
	epoch       uint64 // advanced by every cut
	lastCut     time.Time
	lastGrow    time.Time
	boundAt     time.Time // when the pace last held a request back
	lastLogged  rate.Limit
	lastSuccess time.Time
	counts      paceCounts
	refusal     paceRefusal
	check       paceCheck
	// learned is a limit measured and not yet given to memory; 0 if none.
	learned float64
	// start is the slow start's window, open once the pace is set (see
	// pace_start.go).
	start paceStart
}

// paceRefusal is what happened since the first fresh 429 after the last
// cut: the service's bucket, if it has one, was empty then, so what it
// accepted since is its rate.
type paceRefusal struct {
	at   time.Time  // zero: no fresh 429 since the last cut
	pace rate.Limit // the refused request went at
	// n, ok and f count the answers since, the accepted ones and the
	// fresh 429s.
	n, ok, f int
	// first is set for the hold that follows the first estimate.
	first bool
}

func newPacer(ceiling float64, adaptive bool, clk clock, log *slog.Logger) *pacer {
	p := &pacer{adaptive: adaptive, ceiling: rate.Inf, clock: clk, now: clk.now, log: log, current: rate.Inf}
	if ceiling > 0 {
		p.ceiling = rate.Limit(ceiling)
	}
	if !adaptive && p.ceiling == rate.Inf {
		return p // nothing to pace: no limiter, no cost per request
	}
	// A burst of one spreads requests evenly instead of letting a second's
	// worth go out at once.
	p.lim = rate.NewLimiter(p.ceiling, 1)
	p.gate = semaphore.NewWeighted(1)
	p.start = paceStart{on: adaptive, window: paceStartWindow}
	return p
}

// succeeded records an answer that was not a 429 (any status: the service
// accepted the request for processing) to a request sent on turn.
func (p *pacer) succeeded(turn paceTurn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.startAccepted(turn.held)
	now := p.now()
	p.lastSuccess = now
	p.counts.add(now, true, false)
	if !p.adaptive {
		return
	}
	if !p.refusal.at.IsZero() {
		p.refusal.n++
		p.refusal.ok++
	}
	p.checkAnswer(turn.epoch, false)
	p.grow(now)
}

// refused records a 429 to a request sent on turn.
func (p *pacer) refused(turn paceTurn) {
	p.throttled.Add(1)
	if !p.adaptive {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.startRefused(turn.held)
	now := p.now()
	fresh := turn.epoch == p.epoch
	p.counts.add(now, false, fresh)
	if !fresh {
		// Sent before the last cut: the cut has answered it already.
		p.checkAnswer(turn.epoch, true)
		return
	}
	if p.refusal.at.IsZero() {
		p.refusal = paceRefusal{at: now, pace: turn.rate}
	}
	p.refusal.n++
	p.refusal.f++
	if !p.cut(now, false) {
		p.checkAnswer(turn.epoch, true)
	}
	if learned := p.learned; learned > 0 && p.memory != nil {
		p.learned = 0
		// Kept outside the lock: a file write must not hold up the
		// client's requests.
		p.mu.Unlock()
		p.memory.save(learned, now)
		p.mu.Lock()
	}
}

// startAt starts the pace from a limit an earlier client measured: just
// below it, probing above it slowly, as after a cut that measured it.
func (p *pacer) startAt(limit float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.limit, p.measured = limit, true
	p.set(rate.Limit(paceProbeFrom * limit))
	p.lastCut, p.lastGrow, p.lastLogged = now, now, p.current
}

// set changes the adaptive rate, within the floor; the limiter gets it
// bounded by the ceiling. mu held.
func (p *pacer) set(r rate.Limit) {
	p.current = max(r, paceMinRate)
	p.lim.SetLimitAt(p.now(), min(p.current, p.ceiling))
	if p.start.on {
		p.startPaced()
	}
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
