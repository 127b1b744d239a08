package keepnet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stallingSessions answers the per-user sessions endpoint only once answer
// is set; until then each such request hangs until the client gives up.
// Everything else is answered at once.
type stallingSessions struct {
	answer  atomic.Bool
	stalled atomic.Int64 // requests that reached the stalled endpoint
}

func (s *stallingSessions) serve(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "/exam-result-sessions/") {
		s.stalled.Add(1)
		if !s.answer.Load() {
			<-r.Context().Done()
			return
		}
	}
	writeJSON(w, http.StatusOK, `{"data":[]}`)
}

// stallClient is a client whose every attempt times out after a moment
// (standing in for the default 60 s) and whose retry waits take no time.
func stallClient(t *testing.T, s *apiServer, opts ...Option) (*Client, *fakeClock) {
	return newTestClient(t, s, append([]Option{WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond})}, opts...)...)
}

func sessions(c *Client, user string) error {
	_, err := c.ForCompany("co-1").API().GetTrainingReportsExamResultSessionsTargetUserResourceId(context.Background(), "enr-1", user)
	return err
}

// An endpoint that times out three times in a row is given up: further
// requests fail at once naming it, other endpoints are untouched, a minute
// later one request tries it again, and an answer makes it usable again.
func TestStalledEndpointFailsFast(t *testing.T) {
	var stall stallingSessions
	s := newAPIServer(t, stall.serve)
	c, fc := stallClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 1}))
	for i := range stallAfter {
		if err := sessions(c, fmt.Sprint("u", i)); err == nil || errors.Is(err, ErrEndpointStalled) {
			t.Fatalf("attempt %d: %v, want a timeout", i, err)
		}
	}
	err := sessions(c, "u-next")
	if !errors.Is(err, ErrEndpointStalled) || !strings.Contains(err.Error(), "GET /api/training-reports/{enrollmentId}/exam-result-sessions/{targetUserResourceId}") {
		t.Fatalf("err = %v, want ErrEndpointStalled naming the endpoint", err)
	}
	if n := stall.stalled.Load(); n != stallAfter {
		t.Errorf("%d requests reached the stalled endpoint, want %d", n, stallAfter)
	}
	if _, err := c.ForCompany("co-1").API().GetEnrollmentsResourceId(context.Background(), "enr-1"); err != nil {
		t.Errorf("another endpoint: %v", err)
	}

	// A minute on, one request tries again; the service answers now.
	fc.sleep(context.Background(), stallCooldown) //nolint:errcheck // the fake clock only moves
	stall.answer.Store(true)
	if err := sessions(c, "u-probe"); err != nil {
		t.Fatalf("the try after the cool-down: %v", err)
	}
	if err := sessions(c, "u-after"); err != nil {
		t.Errorf("after an answer the endpoint is usable again: %v", err)
	}
}

// A probe that times out again gives the endpoint up for another minute;
// while it is under way, the others fail fast.
func TestStalledEndpointProbeTimesOut(t *testing.T) {
	var stall stallingSessions
	s := newAPIServer(t, stall.serve)
	c, fc := stallClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 1}))
	for i := range stallAfter {
		_ = sessions(c, fmt.Sprint("u", i))
	}
	fc.sleep(context.Background(), stallCooldown) //nolint:errcheck // the fake clock only moves
	if err := sessions(c, "probe"); errors.Is(err, ErrEndpointStalled) || err == nil {
		t.Fatalf("the probe: %v, want it sent and timed out", err)
	}
	if err := sessions(c, "after"); !errors.Is(err, ErrEndpointStalled) {
		t.Errorf("after a failed probe: %v, want ErrEndpointStalled", err)
	}
	if n := stall.stalled.Load(); n != stallAfter+1 {
		t.Errorf("%d requests reached the endpoint, want %d", n, stallAfter+1)
	}
}

// A thousand users against a stalled per-user endpoint, at concurrency 8,
// with the default retry policy: only the first wave reaches the endpoint;
// every other request fails fast, so the pull takes one timeout, not a
// thousand.
func TestThousandUsersAgainstAStalledEndpoint(t *testing.T) {
	var stall stallingSessions
	s := newAPIServer(t, stall.serve)
	c, _ := stallClient(t, s, WithMaxInFlight(8))
	var wg sync.WaitGroup
	var stalledErrs atomic.Int64
	users := make(chan int)
	for range 8 {
		wg.Go(func() {
			for u := range users {
				if err := sessions(c, fmt.Sprint("user-", u)); errors.Is(err, ErrEndpointStalled) {
					stalledErrs.Add(1)
				} else if err == nil {
					t.Error("a stalled request succeeded")
				}
			}
		})
	}
	for u := range 1000 {
		users <- u
	}
	close(users)
	wg.Wait()
	// Each of the 8 workers may have one attempt under way when the third
	// timeout gives the endpoint up, and none sends another.
	if n := stall.stalled.Load(); n > 8+stallAfter {
		t.Errorf("%d requests reached the stalled endpoint; want at most %d", n, 8+stallAfter)
	}
	if n := stalledErrs.Load(); n < 1000-8-stallAfter {
		t.Errorf("only %d users failed fast", n)
	}
}
