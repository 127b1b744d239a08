package keepnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/apiops"
)

// A service can stall on one endpoint: every call to it hangs until the
// client's timeout. Retried as any failure, each request would spend its
// whole retry budget waiting: with the 60-second timeout of the default
// HTTP client and two attempts within the 2-minute budget, 120 s a user,
// so a thousand users at concurrency 8 would take over four hours to fail.
// So the client remembers, per operation of the spec, how many attempts in
// a row have timed out with no answer between them: from the third, it
// stops sending to that endpoint, and its requests fail at once with
// ErrEndpointStalled. Any answer from the endpoint (a success, an error
// status) resets the count. A minute after the endpoint was given up, one
// request is let through to try it again; the rest keep failing fast until
// it is answered.
//
// With the defaults, the first wave of requests to a stalled endpoint
// times out after 60 s and gives it up (at concurrency 3 or more; at 1, the
// third timeout does so after about 3 minutes), and every request after
// that fails in no time: a thousand users end within a few minutes, each
// record naming the endpoint.
const (
	stallAfter    = 3
	stallCooldown = time.Minute
)

// ErrEndpointStalled is wrapped by the error of a request the client did
// not send because the same endpoint (operation) has timed out several times
// in a row with nothing answered between: the service is stalling on it.
// The error names the endpoint. The client tries the endpoint again a minute
// later; an answer from it makes it usable again.
var ErrEndpointStalled = errors.New("the endpoint has stopped answering")

// stalledError is a request refused because its endpoint stalls.
type stalledError struct {
	op       apiops.Operation
	timeouts int
	retryAt  time.Duration // until the next try, from the refusal
}

func (e *stalledError) Error() string {
	return fmt.Sprintf("keepnet: %s: %v: %d attempts in a row timed out with no answer between; not sent (the endpoint is tried again in %s)",
		e.op, ErrEndpointStalled, e.timeouts, e.retryAt.Round(time.Second))
}

func (e *stalledError) Unwrap() error { return ErrEndpointStalled }

// stalls is the per-operation memory of timeouts, shared by every scope of
// a client.
type stalls struct {
	clock clock
	mu    sync.Mutex
	ops   map[string]*stall
}

type stall struct {
	timeouts int       // in a row, with no answer between
	since    time.Time // when the endpoint was given up (timeouts >= stallAfter)
	probing  bool      // one request is trying it again
}

func newStalls(cl clock) *stalls { return &stalls{clock: cl, ops: map[string]*stall{}} }

// allow reports whether a request of op may be sent now.
func (s *stalls) allow(op apiops.Operation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.ops[op.String()]
	if st == nil || st.timeouts < stallAfter {
		return nil
	}
	wait := stallCooldown - s.clock.now().Sub(st.since)
	if wait <= 0 && !st.probing {
		st.probing = true // this request tries the endpoint again
		return nil
	}
	return &stalledError{op: op, timeouts: st.timeouts, retryAt: max(wait, 0)}
}

// observe notes how an attempt of op ended.
func (s *stalls) observe(ctx context.Context, op apiops.Operation, a attempt) {
	answered := a.resp != nil
	var netErr net.Error
	timedOut := !answered && ctx.Err() == nil && errors.As(a.err, &netErr) && netErr.Timeout()
	key := op.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.ops[key]
	switch {
	case answered:
		delete(s.ops, key)
	case timedOut:
		if st == nil {
			st = &stall{}
			s.ops[key] = st
		}
		st.timeouts++
		st.probing = false
		if st.timeouts >= stallAfter {
			st.since = s.clock.now()
		}
	case st != nil:
		// Neither an answer nor a timeout (the caller gave up, a reset):
		// nothing learnt, but a try of the endpoint is over.
		st.probing = false
	}
}
