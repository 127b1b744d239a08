package keepnet

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The retry loop: 429s are not failed attempts, and a request gives up only
// when the service has refused everything for MaxThrottled.
func TestThrottledRequestsRetryUntilTheServiceRefusesEverything(t *testing.T) {
	t.Run("many 429s then success", func(t *testing.T) {
		answers := make([]answer, 0, 11)
		for range 10 {
			answers = append(answers, answer{status: 429})
		}
		handler, hits := scripted(append(answers, answer{status: 200})...)
		s := newAPIServer(t, handler)
		c, _ := newTestClient(t, s)
		if err := createEnrollment(context.Background(), c.ForCompany("co-acme-0001")); err != nil {
			t.Fatalf("a create refused 10 times with 429 then accepted: %v", err)
		}
		if n := hits.Load(); n != 11 {
			t.Errorf("requests = %d, want 11", n)
		}
		if st := c.Pace(); st.Throttled != 10 || st.Waited <= 0 {
			t.Errorf("pace stats %+v, want 10 throttled and some wait", st)
		}
	})
	t.Run("refused for MaxThrottled", func(t *testing.T) {
		handler, hits := scripted(answer{status: 429, retryAfter: "60"})
		s := newAPIServer(t, handler)
		c, fc := newTestClient(t, s, WithRetry(RetryPolicy{MaxThrottled: 5 * time.Minute}))
		err := searchEnrollments(context.Background(), c.ForCompany("co-acme-0001"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("got %v, want the 429", err)
		}
		if !strings.Contains(err.Error(), "429 to every request") || !strings.Contains(err.Error(), "5m0s") {
			t.Errorf("error %q does not say the service refused everything for 5m0s", err)
		}
		var total time.Duration
		for _, w := range fc.sleeps() {
			total += w
		}
		if total != 5*time.Minute || hits.Load() != 6 {
			t.Errorf("waited %s over %d requests, want 5m0s over 6 (Retry-After: 60)", total, hits.Load())
		}
	})
	t.Run("Retry-After beyond the cap", func(t *testing.T) {
		handler, _ := scripted(answer{status: 429, retryAfter: "3600"}, answer{status: 200})
		s := newAPIServer(t, handler)
		c, fc := newTestClient(t, s, WithRetry(RetryPolicy{MaxRetryAfter: 2 * time.Minute}))
		if err := getEnrollment(context.Background(), c.ForCompany("co-acme-0001")); err != nil {
			t.Fatal(err)
		}
		if got := fc.sleeps(); len(got) != 1 || got[0] != 2*time.Minute {
			t.Errorf("waits = %v, want the Retry-After of an hour cut to 2m0s", got)
		}
	})
	t.Run("5xx still count as attempts", func(t *testing.T) {
		handler, hits := scripted(answer{status: 429}, answer{status: 503}, answer{status: 429}, answer{status: 503}, answer{status: 503}, answer{status: 503}, answer{status: 200})
		s := newAPIServer(t, handler)
		c, _ := newTestClient(t, s)
		err := searchEnrollments(context.Background(), c.ForCompany("co-acme-0001"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Fatalf("got %v, want the 503 after 4 failed attempts", err)
		}
		if n := hits.Load(); n != 6 {
			t.Errorf("requests = %d, want 6 (two 429s and four 503s)", n)
		}
	})
}
