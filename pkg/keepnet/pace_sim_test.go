package keepnet

import (
	"container/heap"
	"log/slog"
	"math/rand/v2"
	"time"
)

// pullSim is a survey pull in virtual time, for the pace controller: a pool
// of workers sends requests through the pacer to a service that answers
// after a fixed latency, refuses beyond a token bucket (the fake's hidden
// limit) and now and then answers 429 at random (a fault). A refused
// request waits out its Retry-After (or the client's backoff) without its
// worker, then goes back to the front of the queue, as the client's retry
// loop and keepnet.Slots do. A few requests go one after another first, as
// the pull's token, company and enrollment lookups do. A request takes its
// place in the slow start's window before its turn, as pacer.wait has it.
type pullSim struct {
	concurrency int
	setup       int // requests sent one after another before the fan-out
	requests    int // requests after the set-up
	latency     time.Duration
	// limit and burst make the token bucket; limit 0 means none.
	limit float64
	burst int
	// retryAfter is sent with the limit's 429s; 0 sends none, and the
	// client backs off as it does without one.
	retryAfter time.Duration
	// faults is the share of requests answered 429 (Retry-After: 1) at
	// random, whatever the rate.
	faults float64
	// limitAfter, when set, changes the limit to newLimit at that time.
	limitAfter time.Duration
	newLimit   float64
	seed       uint64
	// early answers the limit's 429s at once, before the latency, as an
	// edge that refuses before the application would.
	early bool
	// stall, when set, holds back the fan-out's requests between
	// stallFrom and stallTo (a page the pull waits for).
	stallFrom, stallTo time.Duration
}

type pullSimResult struct {
	wall                        time.Duration
	sent, refused, limitRefused int
	accepted                    int
}

// share is the 429s' share of the requests.
func (r pullSimResult) share() float64 { return float64(r.refused) / float64(max(r.sent, 1)) }

// useful is the accepted requests per second.
func (r pullSimResult) useful() float64 { return float64(r.accepted) / r.wall.Seconds() }

type simEvent struct {
	at   time.Time
	seq  int
	kind int // simSend, simAnswer, simRetry, simWake
	job  int
	// turn the request was sent on.
	turn         paceTurn
	refusedEarly bool
}

const (
	simSend = iota
	simAnswer
	simRetry
	simWake
)

type simQueue []simEvent

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simStart is the virtual time every simulation starts at.
var simStart = time.Date(2026, 1, 22, 13, 30, 0, 0, time.UTC)

// newSimPacer is an adaptive pacer on a virtual clock; now is set by the
// simulation.
func newSimPacer(now *time.Time, opts ...func(*pacer)) *pacer {
	p := newPacer(0, true, realClock{}, slog.New(slog.DiscardHandler))
	p.now = func() time.Time { return *now }
	for _, o := range opts {
		o(p)
	}
	return p
}

// run pulls through p, whose clock must read *now (see newSimPacer).
func (s pullSim) run(p *pacer, now *time.Time) pullSimResult {
	rng := rand.New(rand.NewPCG(s.seed, 7))
	*now = simStart
	var (
		q         simQueue
		seq       int
		res       pullSimResult
		queue     []int // jobs waiting for a worker; retries go first
		busy      int
		tokens    = float64(s.burst)
		lastFill  = *now
		attempts  = map[int]int{}
		done      int
		total     = s.setup + s.requests
		next      int // next fresh job
		gateQueue []int
		gateBusy  bool
		gateNext  func()
		lastAnswr time.Time
		held      = map[int]bool{} // whether a job's request holds a place in the slow start's window
	)
	push := func(e simEvent) {
		seq++
		e.seq = seq
		heap.Push(&q, e)
	}
	limit := s.limit
	allow := func(t time.Time) bool {
		if limit == 0 {
			return true
		}
		tokens = min(float64(s.burst), tokens+limit*t.Sub(lastFill).Seconds())
		lastFill = t
		if tokens >= 1 {
			tokens--
			return true
		}
		return false
	}
	stalled := func(t time.Time) bool {
		d := t.Sub(simStart)
		return s.stallTo > 0 && d >= s.stallFrom && d < s.stallTo
	}
	// gateNext lets the next request in line reserve its turn, as
	// pacer.wait's gate does: one at a time.
	gateNext = func() {
		if gateBusy || len(gateQueue) == 0 {
			return
		}
		job := gateQueue[0]
		gateQueue = gateQueue[1:]
		_, d, turn := p.reserve(*now)
		turn.held = held[job]
		gateBusy = true
		push(simEvent{at: now.Add(d), kind: simSend, job: job, turn: turn})
	}
	dispatch := func() {
		for {
			workers := s.concurrency
			if done < s.setup {
				workers = 1
			}
			if busy >= workers {
				return
			}
			var job int
			switch {
			case len(queue) > 0:
				job, queue = queue[0], queue[1:]
			case next < s.setup && done == next, next >= s.setup && next < total && !stalled(*now):
				job = next
				next++
			default:
				return
			}
			p.mu.Lock()
			h, ok := p.enterNow()
			p.mu.Unlock()
			if !ok {
				// The slow start's window is full: the job waits for
				// an answer.
				queue = append([]int{job}, queue...)
				return
			}
			held[job] = h
			busy++
			gateQueue = append(gateQueue, job)
			gateNext()
		}
	}
	if s.stallTo > 0 {
		push(simEvent{at: simStart.Add(s.stallTo), kind: simWake})
	}
	dispatch()
	for q.Len() > 0 && done < total {
		e := heap.Pop(&q).(simEvent)
		*now = e.at
		if s.limitAfter > 0 && now.Sub(simStart) >= s.limitAfter {
			limit = s.newLimit
		}
		switch e.kind {
		case simSend:
			gateBusy = false
			gateNext()
			res.sent++
			// Latencies vary by a tenth, as a real service's do.
			lat := time.Duration(float64(s.latency) * (0.95 + 0.1*rng.Float64()))
			if s.early && !allow(*now) {
				push(simEvent{at: now.Add(time.Millisecond), kind: simAnswer, job: e.job, turn: e.turn, refusedEarly: true})
				break
			}
			push(simEvent{at: now.Add(lat), kind: simAnswer, job: e.job, turn: e.turn})
		case simAnswer:
			lastAnswr = *now
			busy--
			ok := !e.refusedEarly && (s.early || allow(*now))
			fault := ok && rng.Float64() < s.faults
			if ok && !fault {
				res.accepted++
				done++
				p.succeeded(e.turn)
				break
			}
			res.refused++
			if !ok {
				res.limitRefused++
			}
			p.refused(e.turn)
			attempts[e.job]++
			wait := time.Second
			if !fault && s.retryAfter == 0 {
				wait = DefaultRetryPolicy().backoff(attempts[e.job], func(d time.Duration) time.Duration { return time.Duration(rng.Int64N(int64(d) + 1)) })
			} else if !fault {
				wait = s.retryAfter
			}
			push(simEvent{at: now.Add(wait), kind: simRetry, job: e.job})
		case simRetry:
			queue = append([]int{e.job}, queue...)
		}
		dispatch()
	}
	res.wall = lastAnswr.Sub(simStart)
	return res
}
