package keepnet

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// Slots bounds how many requests are under way at once, for callers that
// run requests on a pool: unlike [WithMaxInFlight], a request gives its slot
// back while it waits to retry (a backoff, a Retry-After, a 429), so the
// pool can start another request instead of sitting idle behind it.
type Slots struct {
	sem *semaphore.Weighted
}

// NewSlots returns a bound of n requests (at least 1).
func NewSlots(n int) *Slots {
	return &Slots{sem: semaphore.NewWeighted(int64(max(n, 1)))}
}

// Acquire waits for a slot and returns the context to make one request
// with and the release to call when that request is done. While the
// request waits to retry, the client gives the slot back, and takes one
// again before the next attempt. Use the context for one request only.
func (s *Slots) Acquire(ctx context.Context) (context.Context, func(), error) {
	if err := s.sem.Acquire(ctx, 1); err != nil {
		return nil, nil, err
	}
	h := &slotHold{sem: s.sem, held: true}
	return context.WithValue(ctx, slotHoldKey{}, h), h.give, nil
}

// slotHold is one request's slot, given back and taken again around its
// retry waits.
type slotHold struct {
	sem  *semaphore.Weighted
	mu   sync.Mutex
	held bool
}

type slotHoldKey struct{}

func heldSlot(ctx context.Context) *slotHold {
	h, _ := ctx.Value(slotHoldKey{}).(*slotHold)
	return h
}

// give returns the slot if held; calling it again does nothing.
func (h *slotHold) give() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		h.held = false
		h.sem.Release(1)
	}
}

// take waits for a slot again after give.
func (h *slotHold) take(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		return nil
	}
	if err := h.sem.Acquire(ctx, 1); err != nil {
		return err
	}
	h.held = true
	return nil
}

// sleepFree waits d without holding the request's slot, if it has one.
func (d *doer) sleepFree(ctx context.Context, wait time.Duration) error {
	h := heldSlot(ctx)
	if h == nil {
		return d.clock.sleep(ctx, wait)
	}
	h.give()
	if err := d.clock.sleep(ctx, wait); err != nil {
		return err
	}
	return h.take(ctx)
}
