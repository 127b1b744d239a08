// Package pull is the machinery of every results flow (survey, training,
// phishing): a source's rows, listed whole (internal/paging), each turned
// into a record by zero or more requests, yielded in the listing's order
// with memory bounded in records and in bytes; and many sources (a
// company's survey, each phishing job of every customer) pulled side by
// side on one pool of requests, their records coming out source by source,
// the waiting ones spooled to files with no name. A flow describes its
// sources and its records; this package runs them.
package pull

import (
	"context"
	"sync"

	"github.com/keepnet-flow/keepnet-flow/internal/slots"
)

// Pool runs a pull's requests. Slots bound how many are under way, and a
// request waiting to retry gives its slot back (internal/slots), so another
// request starts meanwhile instead of the wait holding up the pull. The
// requests run on workers rather than a goroutine each: the workers' stacks
// stay grown and the scheduler has little to do, which is most of the
// client's CPU per user after decoding. There are twice as many workers as
// slots, so a free slot nearly always finds a free worker; when every worker
// is taken (many requests waiting to retry), the request gets a goroutine
// of its own.
//
// One pool serves every source of a pull, so that a source that has run out
// of rows leaves its share to the others.
type Pool struct {
	slots    *slots.Slots
	requests chan func()
	workers  sync.WaitGroup
}

// NewPool starts a pool of concurrency requests at once.
func NewPool(concurrency int) *Pool {
	p := &Pool{slots: slots.New(concurrency), requests: make(chan func())}
	for range 2 * max(concurrency, 1) {
		p.workers.Go(func() {
			for request := range p.requests {
				request()
			}
		})
	}
	return p
}

// Submit starts request once a slot is free, with a context that gives the
// slot back while the request waits to retry; false when ctx ended first
// and the request will not run.
func (p *Pool) Submit(ctx context.Context, request func(context.Context)) bool {
	rctx, release, err := p.slots.Acquire(ctx)
	if err != nil {
		return false
	}
	run := func() {
		defer release()
		request(rctx)
	}
	select {
	case p.requests <- run:
	default:
		p.workers.Go(run)
	}
	return true
}

// Do runs request on the pool and waits for it: a listing's page, say,
// which the pull needs before it can go on.
func (p *Pool) Do(ctx context.Context, request func(context.Context)) error {
	done := make(chan struct{})
	if !p.Submit(ctx, func(ctx context.Context) {
		defer close(done)
		request(ctx)
	}) {
		return context.Cause(ctx)
	}
	<-done
	return nil
}

// Close stops the workers once every request submitted has run.
func (p *Pool) Close() {
	close(p.requests)
	p.workers.Wait()
}
