package workflows

import (
	"context"
	"github.com/keepnet-flow/keepnet-flow/internal/slots"
	"sync"
)

// requestPool runs a pull's requests. Slots bound how many are under way,
// and a request waiting to retry gives its slot back (keepnet.Slots), so
// another request starts meanwhile instead of the wait holding up the pull.
// The requests run on workers rather than a goroutine each: the workers'
// stacks stay grown and the scheduler has little to do, which is most of
// the client's CPU per user after decoding. There are twice as many
// workers as slots, so a free slot nearly always finds a free worker; when
// every worker is taken (many requests waiting to retry), the request gets
// a goroutine of its own.
//
// One pool serves one pull, or every company of a pull across companies,
// so that a company that has run out of users leaves its share to the
// others.
type requestPool struct {
	slots    *slots.Slots
	requests chan func()
	workers  sync.WaitGroup
}

func newRequestPool(concurrency int) *requestPool {
	rp := &requestPool{slots: slots.New(concurrency), requests: make(chan func())}
	for range 2 * concurrency {
		rp.workers.Go(func() {
			for request := range rp.requests {
				request()
			}
		})
	}
	return rp
}

// submit starts request once a slot is free, with a context that gives the
// slot back while the request waits to retry; false when ctx ended first
// and the request will not run.
func (rp *requestPool) submit(ctx context.Context, request func(context.Context)) bool {
	rctx, release, err := rp.slots.Acquire(ctx)
	if err != nil {
		return false
	}
	run := func() {
		defer release()
		request(rctx)
	}
	select {
	case rp.requests <- run:
	default:
		rp.workers.Go(run)
	}
	return true
}

// close stops the workers once every request submitted has run.
func (rp *requestPool) close() {
	close(rp.requests)
	rp.workers.Wait()
}
