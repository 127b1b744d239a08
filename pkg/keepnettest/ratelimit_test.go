package keepnettest_test

import (
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestRateLimitSharedByEveryScope: one bucket for the credential. After
// the token request and two calls in Acme's scope use it up, Globex's
// scope and unscoped calls are refused too, with the Retry-After the limit
// is configured with, or none.
func TestRateLimitSharedByEveryScope(t *testing.T) {
	for _, tt := range []struct {
		name       string
		retryAfter time.Duration
		want       string
	}{
		{"Retry-After: 1", time.Second, "1"},
		{"long Retry-After, rounded up to seconds", 90*time.Second + time.Millisecond, "91"},
		{"no Retry-After", 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The bucket hardly refills: one request every ~17 minutes.
			s := newServer(t, keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: 0.001, Burst: 3, RetryAfter: tt.retryAfter}))
			bearer := token(t, s)
			for range 2 {
				if r := raw(t, s, bearer, "GET", "/api/timezone/timezones", "", "", both(keepnettest.CompanyAcmeID)...); r.status != 200 {
					t.Fatalf("within the burst: status %d", r.status)
				}
			}
			for _, headers := range [][]string{both(keepnettest.CompanyGlobexID), nil} {
				r := raw(t, s, bearer, "GET", "/api/timezone/timezones", "", "", headers...)
				if r.status != 429 || r.header.Get("Retry-After") != tt.want {
					t.Errorf("scope %v beyond the burst: status %d, Retry-After %q; want 429, %q", headers, r.status, r.header.Get("Retry-After"), tt.want)
				}
			}
			if got, want := s.Counts(), (keepnettest.Counts{Requests: 5, RateLimited: 2}); got != want {
				t.Errorf("counts %+v, want %+v", got, want)
			}
		})
	}
}
