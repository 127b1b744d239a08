package keepnet

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Invented credentials for tests; the tests check that neither they nor the
// tokens below ever show up in output.
const (
	testClientID     = "reseller-test-client"
	testClientSecret = "s3cr3t-Zoë-Ångström-value"
	testTokenPrefix  = "opaque-access-token-"
)

// apiServer is a minimal stand-in for the Keepnet API for this package's
// tests: a token endpoint that issues numbered opaque tokens and counts
// requests, and an API handler per test. (pkg/keepnettest is the full fake;
// this package must not depend on it.)
type apiServer struct {
	*httptest.Server
	tokenRequests atomic.Int64

	mu       sync.Mutex
	requests []*http.Request // API requests as received (bodies not kept)

	// tokenHandler replaces the default token endpoint when set.
	tokenHandler http.HandlerFunc
	// api answers everything but /connect/token.
	api http.HandlerFunc
}

func newAPIServer(t *testing.T, api http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{api: api}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/connect/token" {
		s.tokenRequests.Add(1)
		if s.tokenHandler != nil {
			s.tokenHandler(w, r)
			return
		}
		serveToken(w, r, fmt.Sprintf("%s%d", testTokenPrefix, s.tokenRequests.Load()))
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, r.Clone(context.Background()))
	s.mu.Unlock()
	if s.api == nil {
		writeJSON(w, http.StatusOK, `{"data":{},"status":"SUCCESS"}`)
		return
	}
	s.api(w, r)
}

// serveToken answers a client-credentials token request the way the real
// service does, insisting on the form-encoded credentials.
func serveToken(w http.ResponseWriter, r *http.Request, token string) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_request"}`)
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("scope") != "api1" {
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_request"}`)
		return
	}
	if r.PostForm.Get("client_id") != testClientID || r.PostForm.Get("client_secret") != testClientSecret {
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_client"}`)
		return
	}
	writeJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token":%q,"expires_in":3600,"token_type":"Bearer","scope":"api1","permissions":["company.read"]}`, token))
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// apiRequests returns the API requests received so far.
func (s *apiServer) apiRequests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.requests...)
}

// newTestClient builds a client for s with the test credentials, a fake
// clock and no environment, plus any further options.
func newTestClient(t *testing.T, s *apiServer, opts ...Option) (*Client, *fakeClock) {
	t.Helper()
	fc := newFakeClock()
	all := append([]Option{
		WithBaseURL(s.URL),
		WithCredentials(testClientID, testClientSecret),
		withClock(fc),
		withEnv(func(string) string { return "" }),
	}, opts...)
	c, err := New(all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, fc
}

// fakeClock records the waits of the retry loop instead of sleeping, and
// moves its time forward by each wait. Jitter is always the maximum, so
// backoff waits are exact.
type fakeClock struct {
	mu      sync.Mutex
	t       time.Time
	waits   []time.Duration
	onSleep func() // called on each sleep, e.g. to cancel a context
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 22, 13, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	onSleep := c.onSleep
	c.mu.Unlock()
	if onSleep != nil {
		onSleep()
	}
	return ctx.Err()
}

func (c *fakeClock) jitter(d time.Duration) time.Duration { return d }

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// leakedSecrets returns the secrets that occur in s.
func leakedSecrets(s string, secrets ...string) []string {
	var leaked []string
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			leaked = append(leaked, secret)
		}
	}
	return leaked
}
