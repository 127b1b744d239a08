package keepnet

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"
)

// This file holds how a request gets its turn of the pace: the slow start's
// window first (pace_start.go), then the limiter, one request at a time.

// wait blocks until the pace lets one more request go. A wait that ends
// late by more than paceLate (the process was not scheduled: a loaded
// machine, a long GC pause) is made once more: every wait granted during
// the stall would otherwise end at once, in a burst the service refuses.
//
// It returns the turn, which says at what pace the request goes.
func (p *pacer) wait(ctx context.Context) (paceTurn, error) {
	if p.lim == nil {
		return paceTurn{}, nil
	}
	held, err := p.enter(ctx)
	if err != nil {
		return paceTurn{}, err
	}
	turn, err := p.waitTurn(ctx)
	if err != nil {
		p.failed(paceTurn{held: held})
		return paceTurn{}, err
	}
	turn.held = held
	return turn, nil
}

// waitTurn is wait past the slow start's window.
func (p *pacer) waitTurn(ctx context.Context) (paceTurn, error) {
	// One request at a time holds a turn: a turn reserved is kept at the
	// rate it was reserved at, so requests queued on the limiter itself
	// would go at the old pace for as long as their queue takes, which at
	// 32 requests and 25 a second is more than a second after a change.
	if err := p.gate.Acquire(ctx, 1); err != nil {
		return paceTurn{}, err
	}
	defer p.gate.Release(1)
	for retried := false; ; retried = true {
		start := p.now()
		r, d, turn := p.reserve(start)
		if d <= 0 {
			return turn, nil
		}
		if deadline, ok := ctx.Deadline(); ok && deadline.Before(start.Add(d)) {
			// As rate.Limiter.Wait: no point waiting for a turn that
			// comes too late.
			r.CancelAt(start)
			return paceTurn{}, fmt.Errorf("keepnet: the rate limit allows no request before the context's deadline: %w", context.DeadlineExceeded)
		}
		if err := p.clock.sleep(ctx, d); err != nil {
			r.CancelAt(p.now())
			return paceTurn{}, err
		}
		if retried || p.now().Sub(start)-d < paceLate {
			return turn, nil
		}
	}
}

// paceTurn is a request's turn: the epoch and the pace it was reserved at.
// A turn reserved keeps its time when the pace changes, so these say at
// what pace the request went.
type paceTurn struct {
	epoch uint64
	rate  rate.Limit
	// held is set when the request holds a place in the slow start's
	// window, given back when it is answered (see pace_start.go).
	held bool
}

// reserve takes the next turn the pace allows, returning how long to wait
// for it.
func (p *pacer) reserve(now time.Time) (*rate.Reservation, time.Duration, paceTurn) {
	r := p.lim.ReserveN(now, 1) // a burst of one: always possible
	d := r.DelayFrom(now)
	p.mu.Lock()
	defer p.mu.Unlock()
	if d > 0 {
		p.boundAt = now
	}
	return r, d, paceTurn{epoch: p.epoch, rate: p.current}
}

// failed records a request sent on turn that had no answer (a connection
// failure, a context done): it leaves the slow start's window, and tells
// the pace nothing.
func (p *pacer) failed(turn paceTurn) {
	if !turn.held {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.leave(true)
}
