package keepnet

import (
	"context"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/slots"
)

// sleepFree waits d without holding the request's pool slot, if it has one
// (see internal/slots): a request waiting to retry leaves its slot to
// another request of the pool.
func (d *doer) sleepFree(ctx context.Context, wait time.Duration) error {
	h := slots.Held(ctx)
	if h == nil {
		return d.clock.sleep(ctx, wait)
	}
	h.Give()
	if err := d.clock.sleep(ctx, wait); err != nil {
		return err
	}
	return h.Take(ctx)
}
