// Package slots bounds how many requests a pool has under way at once. Unlike
// a plain semaphore, a request gives its slot back while it waits to retry (a
// backoff, a Retry-After, a 429) and takes one again before its next attempt,
// so the pool starts another request instead of sitting idle behind it. The
// pool acquires the slot (Acquire); the connection layer (pkg/keepnet) gives
// it back around its waits (Held), which is why the two meet in a context
// value rather than in an API either of them exports.
package slots

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

// Slots is a bound of n requests.
type Slots struct {
	sem *semaphore.Weighted
}

// New returns a bound of n requests (at least 1).
func New(n int) *Slots {
	return &Slots{sem: semaphore.NewWeighted(int64(max(n, 1)))}
}

// Acquire waits for a slot and returns the context to make one request
// with and the release to call when that request is done. Use the context
// for one request only.
func (s *Slots) Acquire(ctx context.Context) (context.Context, func(), error) {
	if err := s.sem.Acquire(ctx, 1); err != nil {
		return nil, nil, err
	}
	h := &Hold{sem: s.sem, held: true}
	return context.WithValue(ctx, holdKey{}, h), h.Give, nil
}

// Hold is one request's slot, given back and taken again around its retry
// waits.
type Hold struct {
	sem  *semaphore.Weighted
	mu   sync.Mutex
	held bool
}

type holdKey struct{}

// Held returns the slot ctx's request holds, or nil when it was not started
// by a pool.
func Held(ctx context.Context) *Hold {
	h, _ := ctx.Value(holdKey{}).(*Hold)
	return h
}

// Give returns the slot if held; calling it again does nothing.
func (h *Hold) Give() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		h.held = false
		h.sem.Release(1)
	}
}

// Take waits for a slot again after Give.
func (h *Hold) Take(ctx context.Context) error {
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
