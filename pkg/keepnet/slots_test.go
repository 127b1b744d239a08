package keepnet

import (
	"context"
	"github.com/keepnet-flow/keepnet-flow/internal/slots"
	"strconv"
	"testing"
	"time"
)

// TestWaitingToRetryHoldsNoSlot: while a request waits out a backoff or a
// Retry-After, its slot of Slots and of WithMaxInFlight is free for other
// requests, and it takes a slot again before its next attempt.
func TestWaitingToRetryHoldsNoSlot(t *testing.T) {
	for _, first := range []answer{{status: 503}, {status: 429, retryAfter: "2"}, {status: 429}} {
		t.Run(first.retryAfterOr(first.status), func(t *testing.T) {
			handler, hits := scripted(first, answer{status: 200})
			s := newAPIServer(t, handler)
			c, fc := newTestClient(t, s, WithMaxInFlight(1))
			pool := slots.New(1)
			freeDuringWait := map[string]bool{}
			fc.onSleep = func() {
				freeDuringWait["client"] = c.doer.limits.inFlight.TryAcquire(1)
				if freeDuringWait["client"] {
					c.doer.limits.inFlight.Release(1)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				other, release, err := pool.Acquire(ctx)
				freeDuringWait["slots"] = err == nil && other != nil
				if err == nil {
					release()
				}
			}
			ctx, release, err := pool.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := getEnrollment(ctx, c.ForCompany("co-acme-0001")); err != nil {
				t.Fatal(err)
			}
			if hits.Load() != 2 {
				t.Fatalf("%d requests, want a retry", hits.Load())
			}
			for _, bound := range []string{"client", "slots"} {
				if !freeDuringWait[bound] {
					t.Errorf("the %s slot was held while the request waited to retry", bound)
				}
			}
			// The request took its slot back for the retry and still holds
			// it: nobody else can have it until it is released.
			tctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			if _, _, err := pool.Acquire(tctx); err == nil {
				t.Error("a second slot was handed out while the request still held its own")
			}
			release()
			release() // releasing twice must not free a slot it does not hold
			if _, rel, err := pool.Acquire(context.Background()); err != nil {
				t.Errorf("slot not returned after release: %v", err)
			} else {
				rel()
			}
		})
	}
}

func (a answer) retryAfterOr(status int) string {
	name := "after " + strconv.Itoa(status)
	if a.retryAfter != "" {
		name += " with Retry-After " + a.retryAfter
	}
	return name
}
