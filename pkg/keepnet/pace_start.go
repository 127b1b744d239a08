package keepnet

import "context"

// This file holds the slow start: how many requests a client that starts
// unpaced (no pace memory, no 429 yet) may have in flight until the pace is
// set.
//
// Unpaced, a client under a limit loses about the requests it has in flight
// when the service's burst runs out, and as many again: the answers accepted
// in that round come back before its 429s (the service answers both after
// the same latency), and each sends the next request into the empty bucket.
// At 32 in flight, 25 requests a second and a burst of a second's worth,
// that was 34 of a 200-user pull's 430 requests, 8% by itself. So, as TCP
// does, the client starts with paceStartWindow requests in flight and lets
// paceStartGrowth more go for each accepted answer, while the window is
// what holds it back: the window grows by that share every round trip, up
// to what the client's own bounds allow. The burst then runs out while the
// window is not much more than the first one, not the whole concurrency: in
// the simulation of that pull, 12 or 13 requests are lost there instead of
// 34.
//
// The growth trades one thing for another: the faster the window grows,
// the larger it is when the burst runs out (it grows by about the burst
// times paceStartGrowth while the burst lasts), and the slower, the longer
// a pull that meets no limit takes to reach its concurrency:
// log(concurrency/paceStartWindow) / log(1+paceStartGrowth) round trips.
// At the default concurrency (8) the window holds a request back only
// after a 429, for a few answers.
//
// A 429 takes the refused request's place out of the window: with a
// service whose 429s come back faster than its accepted answers, the window
// would otherwise refill with requests refused at once, one round after
// another. Once the pace is set (the first cut, or a rate from memory) the
// window is open for good: from then on the pace holds requests back, and
// a window would only bound the pace by the latency. The first cut is never
// undone, so the window never closes again.

const (
	// paceStartWindow is the window a client starts with: the default
	// concurrency, which the window therefore never slows.
	paceStartWindow = 8
	// paceStartGrowth is how many more requests the window lets go for
	// each accepted answer: 1.2 times more each round trip.
	paceStartGrowth = 0.2
)

// paceStart is the slow start's window; pacer.mu guards it.
type paceStart struct {
	on       bool
	window   float64
	inFlight int                // requests sent under the window, not yet answered
	waiters  []*paceStartWaiter // first come, first served
}

type paceStartWaiter struct {
	ready   chan struct{}
	granted bool
}

// enter takes a place in the window for one request, waiting while the
// window is full. It reports whether a place was taken (false when the
// window is open); a place taken is given back when the request is
// answered or fails (see startAccepted, startRefused, failed).
func (p *pacer) enter(ctx context.Context) (bool, error) {
	p.mu.Lock()
	if held, ok := p.enterNow(); ok {
		p.mu.Unlock()
		return held, nil
	}
	w := &paceStartWaiter{ready: make(chan struct{})}
	p.start.waiters = append(p.start.waiters, w)
	p.mu.Unlock()
	select {
	case <-w.ready:
		return true, nil
	case <-ctx.Done():
		p.mu.Lock()
		defer p.mu.Unlock()
		if w.granted {
			p.leave(true)
			return false, ctx.Err()
		}
		for i, o := range p.start.waiters {
			if o == w {
				p.start.waiters = append(p.start.waiters[:i], p.start.waiters[i+1:]...)
				break
			}
		}
		return false, ctx.Err()
	}
}

// enterNow takes a place in the window if one is free and no request waits
// for one before; ok is false when the request must wait. mu held.
func (p *pacer) enterNow() (held, ok bool) {
	s := &p.start
	if !s.on {
		return false, true
	}
	if len(s.waiters) > 0 || float64(s.inFlight) >= s.window {
		return false, false
	}
	s.inFlight++
	return true, true
}

// leave gives back a request's place in the window, if it held one, and lets
// waiting requests in. mu held.
func (p *pacer) leave(held bool) {
	s := &p.start
	if held {
		s.inFlight--
	}
	for len(s.waiters) > 0 && (!s.on || float64(s.inFlight) < s.window) {
		w := s.waiters[0]
		s.waiters = s.waiters[1:]
		s.inFlight++
		w.granted = true
		close(w.ready)
	}
}

// startAccepted grows the window after an accepted answer to a request
// that held a place, if the window is what bounds the client (at least
// half of it in flight, as TCP's slow start asks): a client with fewer
// requests to send would grow it untested. mu held.
func (p *pacer) startAccepted(held bool) {
	s := &p.start
	if held && s.on && float64(2*s.inFlight) >= s.window {
		s.window += paceStartGrowth
	}
	p.leave(held)
}

// startRefused takes a refused request's place out of the window. mu held.
func (p *pacer) startRefused(held bool) {
	s := &p.start
	if held && s.on {
		s.window = max(1, s.window-1)
	}
	p.leave(held)
}

// startPaced opens the window for good: the pace holds requests back from
// now on. mu held.
func (p *pacer) startPaced() {
	p.start.on = false
	p.leave(false)
}
