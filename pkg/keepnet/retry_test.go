package keepnet

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/gen"
)

// answer is one scripted server response.
type answer struct {
	status     int
	retryAfter string
	body       string
}

// scripted answers the API requests in order, repeating the last answer.
func scripted(answers ...answer) (http.HandlerFunc, *atomic.Int64) {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		a := answers[min(i, len(answers)-1)]
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		body := a.body
		if body == "" && a.status < 300 {
			body = `{"data":{"id":"enr-1","resourceId":"enr-1","results":[]}}`
		}
		writeJSON(w, a.status, body)
	}, &n
}

// Operations of each kind, through a company scope.
var (
	searchEnrollments = func(ctx context.Context, co *ScopedClient) error {
		_, err := co.API().PostEnrollmentsSearchWithResponse(ctx, gen.PostEnrollmentsSearchJSONRequestBody{})
		return err
	}
	getEnrollment = func(ctx context.Context, co *ScopedClient) error {
		_, err := co.API().GetEnrollmentsResourceIdWithResponse(ctx, "enr-1")
		return err
	}
	createEnrollment = func(ctx context.Context, co *ScopedClient) error {
		_, err := co.API().PostEnrollmentsWithResponse(ctx, gen.PostEnrollmentsJSONRequestBody{})
		return err
	}
	sendEnrollment = func(ctx context.Context, co *ScopedClient) error {
		_, err := co.API().PostEnrollmentsResourceIdSendWithResponse(ctx, "enr-1")
		return err
	}
)

func TestRetryPolicyMatrix(t *testing.T) {
	const base = 500 * time.Millisecond
	ok := answer{status: 200}
	// The fake clock starts at this instant; Retry-After dates are relative to it.
	inThirtySeconds := newFakeClock().now().Add(30 * time.Second).Format(http.TimeFormat)
	tests := []struct {
		name        string
		call        func(context.Context, *ScopedClient) error
		answers     []answer
		wantHits    int64
		wantWaits   []time.Duration
		wantStatus  int  // 0: success
		wantUnknown bool // errors.Is(err, ErrOutcomeUnknown)
	}{
		{"search after 502", searchEnrollments, []answer{{status: 502}, ok}, 2, []time.Duration{base}, 0, false},
		{"search after 503 twice", searchEnrollments, []answer{{status: 503}, {status: 503}, ok}, 3, []time.Duration{base, 2 * base}, 0, false},
		{"search after 429 with Retry-After seconds", searchEnrollments, []answer{{status: 429, retryAfter: "7"}, ok}, 2, []time.Duration{7 * time.Second}, 0, false},
		{"search after 429 with Retry-After date", searchEnrollments, []answer{{status: 429, retryAfter: inThirtySeconds}, ok}, 2, []time.Duration{30 * time.Second}, 0, false},
		{"search after 429 without Retry-After", searchEnrollments, []answer{{status: 429}, ok}, 2, []time.Duration{base}, 0, false},
		{"get after 504", getEnrollment, []answer{{status: 504}, ok}, 2, []time.Duration{base}, 0, false},
		{"search gives up after max attempts", searchEnrollments, []answer{{status: 502}}, 4, []time.Duration{base, 2 * base, 4 * base}, 502, false},
		{"search: Retry-After beyond the budget is not waited for", searchEnrollments, []answer{{status: 503, retryAfter: "3600"}}, 1, nil, 503, false},
		{"search after 500 (HTML from the edge)", searchEnrollments, []answer{{status: 500, body: `<html><body>Internal Server Error</body></html>`}, ok}, 2, []time.Duration{base}, 0, false},
		{"search 500 every time gives up", searchEnrollments, []answer{{status: 500, body: `{"status":"INTERNAL_SERVER_ERROR"}`}, {status: 500}, {status: 500}, {status: 500}}, 4, []time.Duration{base, 2 * base, 4 * base}, 500, false},
		{"search 400 is not retried", searchEnrollments, []answer{{status: 400, body: `{"status":"INPUT_ERROR"}`}}, 1, nil, 400, false},
		{"search 400 is not retried", searchEnrollments, []answer{{status: 400, body: `{"status":"INPUT_ERROR"}`}}, 1, nil, 400, false},
		{"create after 502: outcome unknown", createEnrollment, []answer{{status: 502}, ok}, 1, nil, 502, true},
		{"create after 500: outcome unknown", createEnrollment, []answer{{status: 500}, ok}, 1, nil, 500, true},
		{"create after 503 with Retry-After: outcome unknown", createEnrollment, []answer{{status: 503, retryAfter: "1"}, ok}, 1, nil, 503, true},
		{"create after 429: turned away before processing, so retried", createEnrollment, []answer{{status: 429, retryAfter: "1"}, ok}, 2, []time.Duration{time.Second}, 0, false},
		{"create after 400: not done", createEnrollment, []answer{{status: 400, body: `{"status":"INPUT_ERROR"}`}}, 1, nil, 400, false},
		{"send after 502: outcome unknown", sendEnrollment, []answer{{status: 502}, ok}, 1, nil, 502, true},
		{"send after 504: outcome unknown", sendEnrollment, []answer{{status: 504}, ok}, 1, nil, 504, true},
		{"create succeeds", createEnrollment, []answer{ok}, 1, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler, hits := scripted(tt.answers...)
			s := newAPIServer(t, handler)
			c, fc := newTestClient(t, s)
			err := tt.call(context.Background(), c.ForCompany("co-acme-0001"))
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("requests reaching the server = %d, want %d", got, tt.wantHits)
			}
			if got := fc.sleeps(); !slices.Equal(got, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus {
				t.Fatalf("got %v, want *APIError with status %d", err, tt.wantStatus)
			}
			if got := errors.Is(err, ErrOutcomeUnknown); got != tt.wantUnknown {
				t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %v, want %v (err: %v)", got, tt.wantUnknown, err)
			}
		})
	}
}

func TestRetryPolicyOptions(t *testing.T) {
	handler, hits := scripted(answer{status: 503})
	s := newAPIServer(t, handler)
	c, fc := newTestClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 90 * time.Second, MaxElapsed: 2500 * time.Millisecond}))
	err := searchEnrollments(context.Background(), c.ForCompany("co-acme-0001"))
	if err == nil {
		t.Fatal("succeeded against a failing server")
	}
	// 1 s, then 2 s would end at 3 s, beyond the 2.5 s budget.
	if got, want := fc.sleeps(), []time.Duration{time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}

	handler, hits = scripted(answer{status: 503})
	s = newAPIServer(t, handler)
	c, _ = newTestClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 1}))
	if err := searchEnrollments(context.Background(), c.ForCompany("co-acme-0001")); err == nil {
		t.Fatal("succeeded against a failing server")
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("MaxAttempts 1: requests = %d, want 1", n)
	}
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{BaseDelay: 500 * time.Millisecond, MaxDelay: 3 * time.Second}
	none := func(time.Duration) time.Duration { return 0 }
	full := func(d time.Duration) time.Duration { return d }
	tests := []struct {
		retry    int
		min, max time.Duration
	}{
		{1, 250 * time.Millisecond, 500 * time.Millisecond},
		{2, 500 * time.Millisecond, time.Second},
		{3, time.Second, 2 * time.Second},
		{4, 1500 * time.Millisecond, 3 * time.Second}, // capped at MaxDelay
		{60, 1500 * time.Millisecond, 3 * time.Second},
	}
	for _, tt := range tests {
		if got := p.backoff(tt.retry, none); got != tt.min {
			t.Errorf("backoff(%d) with least jitter = %v, want %v", tt.retry, got, tt.min)
		}
		if got := p.backoff(tt.retry, full); got != tt.max {
			t.Errorf("backoff(%d) with most jitter = %v, want %v", tt.retry, got, tt.max)
		}
		if got := p.backoff(tt.retry, realClock{}.jitter); got < tt.min || got > tt.max {
			t.Errorf("backoff(%d) = %v, outside [%v, %v]", tt.retry, got, tt.min, tt.max)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 22, 13, 30, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{now.Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},  // in the past: go now
		{"Thursday, 22-Jan-26 13:31:00 GMT", time.Minute, true}, // RFC 850, also allowed by HTTP
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Retry-After", tt.header)
		}
		got, ok := retryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Retry-After %q: got %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

// Whether a request may be repeated follows from its operation, under any
// base path, whatever words its IDs are.
func TestSafeToRepeat(t *testing.T) {
	tests := []struct {
		method, path string
		want         bool
	}{
		{"GET", "/api/enrollments/enr-1", true},
		{"GET", "/api/enrollments/search", true},
		{"POST", "/api/enrollments/search", true},
		{"POST", "/api/companies/search", true},
		{"POST", "/api/training-reports/enr-1/users/search", true},
		{"POST", "/api/training-reports/search/users/search", true},
		{"POST", "/api/target-groups/search/current-company", true},
		{"POST", "/api/enrollments", false},
		{"POST", "/api/enrollments/enr-1/send", false},
		{"POST", "/api/enrollments/search/send", false},
		{"POST", "/api/enrollments/searchable-thing", false},
		{"POST", "/api/no-such-operation/search", false},
		{"PUT", "/api/enrollments/search", false},
		{"DELETE", "/api/enrollments/enr-1", false},
	}
	for _, base := range []string{"https://api.keepnetlabs.com", "https://proxy.example.test/keepnet"} {
		c, err := New(WithBaseURL(base), WithCredentials("id", "secret"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			req, err := http.NewRequest(tt.method, base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			op, known, err := c.doer.operation(req)
			if got := known && op.Repeatable; err != nil || got != tt.want {
				t.Errorf("%s: %s %s: repeatable %v (%v), want %v", base, tt.method, tt.path, got, err, tt.want)
			}
		}
	}
}

// The send of a scheduled enrollment whose ID is "search", answered 502,
// is sent once: it is a send, not a search. A search is still retried.
func TestSendToAnEnrollmentCalledSearchIsNotRepeated(t *testing.T) {
	handler, hits := scripted(answer{status: 502}, answer{status: 200})
	s := newAPIServer(t, handler)
	c, _ := newTestClient(t, s)
	_, err := c.ForCompany("co-acme-0001").API().PostEnrollmentsResourceIdSendWithResponse(t.Context(), "search")
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the send reached the server %d times, want once", n)
	}
	if got := s.apiRequests()[0].URL.Path; got != "/api/enrollments/search/send" {
		t.Errorf("sent to %s", got)
	}
	handler, hits = scripted(answer{status: 502}, answer{status: 200})
	s = newAPIServer(t, handler)
	c, _ = newTestClient(t, s)
	if err := searchEnrollments(t.Context(), c.ForCompany("co-acme-0001")); err != nil || hits.Load() != 2 {
		t.Errorf("search after a 502: %v after %d requests, want success after 2", err, hits.Load())
	}
}

func TestCancellationStopsRetries(t *testing.T) {
	handler, hits := scripted(answer{status: 503})
	s := newAPIServer(t, handler)
	c, fc := newTestClient(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fc.onSleep = cancel // the caller gives up during the first wait
	err := searchEnrollments(ctx, c.ForCompany("co-acme-0001"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Errorf("error %v does not carry the last failure", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

// A create whose connection breaks while the server holds it (here: the
// caller's deadline passes) may have been applied: outcome unknown.
func TestCancelledWriteInFlightIsOutcomeUnknown(t *testing.T) {
	received := make(chan struct{})
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		// With the body read, the server notices the client going away.
		_, _ = io.Copy(io.Discard, r.Body)
		close(received)
		<-r.Context().Done() // hold the request until the client goes away
	})
	c, _ := newTestClient(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-received
		cancel()
	}()
	err := createEnrollment(ctx, c.ForCompany("co-acme-0001"))
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrOutcomeUnknown wrapping context.Canceled", err)
	}
}

// A connection reset after the request was written: reads are retried,
// writes are not.
func TestConnectionReset(t *testing.T) {
	tests := []struct {
		name        string
		call        func(context.Context, *ScopedClient) error
		wantHits    int64
		wantUnknown bool
	}{
		{"search is retried", searchEnrollments, 2, false},
		{"create is not", createEnrollment, 1, true},
		{"send is not", sendEnrollment, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int64
			s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 {
					conn, _, err := http.NewResponseController(w).Hijack()
					if err != nil {
						t.Errorf("hijack: %v", err)
						return
					}
					if tcp, ok := conn.(*net.TCPConn); ok {
						_ = tcp.SetLinger(0) // close with RST, like a crashing proxy
					}
					_ = conn.Close()
					return
				}
				writeJSON(w, http.StatusOK, `{"data":{"id":"enr-1"}}`)
			})
			c, _ := newTestClient(t, s)
			err := tt.call(context.Background(), c.ForCompany("co-acme-0001"))
			if n := hits.Load(); n != tt.wantHits {
				t.Errorf("requests reaching the server = %d, want %d", n, tt.wantHits)
			}
			if tt.wantUnknown != errors.Is(err, ErrOutcomeUnknown) {
				t.Errorf("got %v, want ErrOutcomeUnknown = %v", err, tt.wantUnknown)
			}
			if !tt.wantUnknown && err != nil {
				t.Errorf("got %v, want success after retry", err)
			}
		})
	}
}

// A refused connection means the request never left the machine, so even
// a create is tried again.
func TestCreateRetriedWhenConnectionRefused(t *testing.T) {
	handler, hits := scripted(answer{status: 201})
	s := newAPIServer(t, handler)
	var refuseNext atomic.Bool
	dialer := &net.Dialer{}
	transport := &http.Transport{
		DisableKeepAlives: true, // every request dials, so the refusal hits the create
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if refuseNext.CompareAndSwap(true, false) {
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}
	c, fc := newTestClient(t, s, WithTransport(transport))
	co := c.ForCompany("co-acme-0001")
	if err := getEnrollment(context.Background(), co); err != nil { // fetches the token
		t.Fatal(err)
	}
	refuseNext.Store(true)
	if err := createEnrollment(context.Background(), co); err != nil {
		t.Fatalf("create after a refused connection: %v", err)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("requests = %d, want 2 (one get, one create)", n)
	}
	if w := fc.sleeps(); len(w) != 1 {
		t.Errorf("waits = %v, want one backoff", w)
	}
}

func TestLimitsHonourContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	busy := newLimits(newPacer(0, true, realClock{}, slog.New(slog.DiscardHandler)), 1)
	release, _, err := busy.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, _, err := busy.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire with all slots taken and a cancelled context: %v", err)
	}

	slow := newLimits(newPacer(0.0001, true, realClock{}, slog.New(slog.DiscardHandler)), 0) // one request per ~2.8 hours
	if _, _, err := slow.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline, stop := context.WithTimeout(context.Background(), time.Hour)
	defer stop()
	if _, _, err := slow.acquire(deadline); err == nil {
		t.Error("acquire succeeded although the rate allows no request before the deadline")
	}
}

func TestRateLimitedClientWorks(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s, WithRateLimit(1000), WithMaxInFlight(2))
	for i := range 5 {
		if err := getEnrollment(context.Background(), c.ForCompany("co-"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTransportErrorClassification(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	dialTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: timeoutError{}}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	noHost := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.keepnetlabs.invalid", IsNotFound: true}}
	wrap := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://api.keepnetlabs.com/api/enrollments", Err: err}
	}
	tests := []struct {
		name      string
		err       error
		gotConn   bool
		neverSent bool
		retryable bool // connectionError
	}{
		{"refused while dialling", wrap(refused), false, true, true},
		{"dial timeout", wrap(dialTimeout), false, true, true},
		{"host does not exist", wrap(noHost), false, true, false},
		{"reset after connecting", wrap(reset), true, false, true},
		{"server closed mid-response", wrap(io.ErrUnexpectedEOF), true, false, true},
		{"server closed before answering", wrap(io.EOF), true, false, true},
		{"read timeout", wrap(&net.OpError{Op: "read", Err: timeoutError{}}), true, false, true},
		{"dial error but a connection was used", wrap(refused), true, false, true},
		{"bad certificate", wrap(&tls.CertificateVerificationError{Err: errors.New("unknown authority")}), true, false, false},
		{"something else", wrap(errors.New("malformed HTTP response")), true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := neverSent(tt.err, tt.gotConn); got != tt.neverSent {
				t.Errorf("neverSent = %v, want %v", got, tt.neverSent)
			}
			if got := connectionError(tt.err); got != tt.retryable {
				t.Errorf("connectionError = %v, want %v", got, tt.retryable)
			}
		})
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestQueuedForThePaceIsNotRetryBudget: a read that waits for the client's
// pace between its attempts (here, one request every 5 s) still gets the
// retries its own budget allows: waiting for the pace is not the request's
// failure.
func TestQueuedForThePaceIsNotRetryBudget(t *testing.T) {
	handler, n := scripted(answer{status: 502}, answer{status: 502}, answer{status: 200})
	c, _ := newTestClient(t, newAPIServer(t, handler),
		WithRateLimit(0.2),
		WithRetry(RetryPolicy{MaxAttempts: 5, MaxElapsed: 3 * time.Second, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}))
	if err := searchEnrollments(t.Context(), c.ForCompany("co-1")); err != nil {
		t.Fatalf("search: %v; 10 s queued for the pace used up a 3 s retry budget", err)
	}
	if n.Load() != 3 {
		t.Errorf("%d requests, want 3", n.Load())
	}
}
