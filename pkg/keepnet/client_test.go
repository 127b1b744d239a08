package keepnet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
)

// refuseTransport fails the test if anything tries to connect.
type refuseTransport struct{ calls atomic.Int64 }

func (r *refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	r.calls.Add(1)
	return nil, errors.New("no connection expected")
}

func TestNewRejectsConfiguration(t *testing.T) {
	env := func(vars map[string]string) Option {
		return withEnv(func(k string) string { return vars[k] })
	}
	creds := WithCredentials(testClientID, testClientSecret)
	tests := []struct {
		name        string
		opts        []Option
		wantSetting string
	}{
		{"no credentials anywhere", []Option{env(nil)}, EnvClientID + " and " + EnvClientSecret}, // both at once, not one per attempt
		{"secret missing from env", []Option{env(map[string]string{EnvClientID: testClientID})}, EnvClientSecret},
		// Given in code, the error names the option, not environment
		// variables the caller never used.
		{"empty secret given", []Option{env(nil), WithCredentials(testClientID, "")}, "WithCredentials"},
		{"empty ID given", []Option{env(map[string]string{EnvClientID: testClientID, EnvClientSecret: "x"}), WithCredentials("", "s")}, "WithCredentials"},
		{"plain http to the vendor", []Option{creds, WithBaseURL("http://api.keepnetlabs.com")}, "WithBaseURL"},
		{"plain http to a private address", []Option{creds, WithBaseURL("http://10.0.0.5:8080")}, "WithBaseURL"},
		{"plain http to a name that looks local", []Option{creds, WithBaseURL("http://localhost.example.com")}, "WithBaseURL"},
		{"plain http from the environment", []Option{creds, env(map[string]string{EnvBaseURL: "http://keepnet.example.com"})}, EnvBaseURL},
		{"other scheme", []Option{creds, WithBaseURL("ftp://api.keepnetlabs.com")}, "WithBaseURL"},
		{"not absolute", []Option{creds, WithBaseURL("api.keepnetlabs.com/api")}, "WithBaseURL"},
		{"credentials in URL", []Option{creds, WithBaseURL("https://user:" + testClientSecret + "@api.keepnetlabs.com")}, "WithBaseURL"},
		{"query in URL", []Option{creds, WithBaseURL("https://api.keepnetlabs.com/?x=1")}, "WithBaseURL"},
		{"negative rate", []Option{creds, WithRateLimit(-1)}, "WithRateLimit"},
		{"a rate that would never send", []Option{creds, WithRateLimit(1e-300)}, "WithRateLimit"},
		{"a rate that is not a number", []Option{creds, WithRateLimit(math.NaN())}, "WithRateLimit"},
		{"a negative buffer bound", []Option{creds, WithMaxBufferedBytes(-1)}, "WithMaxBufferedBytes"},
		{"negative in-flight bound", []Option{creds, WithMaxInFlight(-2)}, "WithMaxInFlight"},
		{"negative retry value", []Option{creds, WithRetry(RetryPolicy{MaxAttempts: -1})}, "WithRetry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &refuseTransport{}
			opts := append([]Option{WithTransport(rt)}, tt.opts...)
			_, err := New(opts...)
			var cfgErr *ConfigError
			if !errors.As(err, &cfgErr) {
				t.Fatalf("New: got %v, want *ConfigError", err)
			}
			if cfgErr.Setting != tt.wantSetting {
				t.Errorf("Setting = %q, want %q (error: %v)", cfgErr.Setting, tt.wantSetting, err)
			}
			if !strings.Contains(err.Error(), tt.wantSetting) {
				t.Errorf("error %q does not name %s", err, tt.wantSetting)
			}
			if tt.wantSetting == "WithCredentials" && strings.Contains(err.Error(), "KEEPNET_") {
				t.Errorf("error %q names an environment variable the caller did not use", err)
			}
			if leaked := leakedSecrets(err.Error(), testClientSecret); leaked != nil {
				t.Errorf("error %q leaks the secret", err)
			}
			if n := rt.calls.Load(); n != 0 {
				t.Errorf("%d connection attempts, want none", n)
			}
		})
	}
}

func TestNewAcceptsLoopbackAndHTTPS(t *testing.T) {
	for _, u := range []string{
		"https://api.keepnetlabs.com",
		"https://keepnet.example.com/prefix/",
		"http://localhost:8080",
		"http://LOCALHOST",
		"http://127.0.0.1:1234",
		"http://127.10.0.3",
		"http://[::1]:9000",
	} {
		t.Run(u, func(t *testing.T) {
			if _, err := New(WithBaseURL(u), WithCredentials(testClientID, testClientSecret)); err != nil {
				t.Errorf("New(%s): %v", u, err)
			}
		})
	}
}

func TestNewReadsEnvironment(t *testing.T) {
	s := newAPIServer(t, nil)
	vars := map[string]string{EnvClientID: testClientID, EnvClientSecret: testClientSecret, EnvBaseURL: s.URL}
	c, err := New(withEnv(func(k string) string { return vars[k] }))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := c.API().GetTimezoneTimezonesWithResponse(context.Background()); err != nil {
		t.Fatalf("call with environment credentials: %v", err)
	}
	if n := s.tokenRequests.Load(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

func TestTokenRequestShape(t *testing.T) {
	s := newAPIServer(t, nil)
	var got http.Header
	s.tokenHandler = func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		serveToken(w, r, testTokenPrefix+"1") // rejects anything but the form-encoded grant
	}
	c, _ := newTestClient(t, s)
	if _, err := c.API().GetTimezoneTimezonesWithResponse(context.Background()); err != nil {
		t.Fatalf("call: %v", err)
	}
	if ct := got.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("token request Content-Type = %q, want form encoding", ct)
	}
	if auth := got.Get("Authorization"); auth != "" {
		t.Errorf("token request has Authorization %q; credentials belong in the form body", auth)
	}
}

func TestRequestHeaders(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	if _, err := c.API().GetTimezoneTimezonesWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	custom, _ := newTestClient(t, s, WithUserAgent("acme-mssp-tool/1.0"))
	if _, err := custom.API().GetTimezoneTimezonesWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := s.apiRequests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	if got, want := reqs[0].Header.Get("User-Agent"), "keepnet-flow/"+Version(); got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
	if got := reqs[1].Header.Get("User-Agent"); got != "acme-mssp-tool/1.0" {
		t.Errorf("User-Agent with WithUserAgent = %q", got)
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer "+testTokenPrefix+"1" {
		t.Errorf("Authorization = %q, want the issued bearer token", got)
	}
}

func TestCompanyScopeHeaders(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	acme := c.ForCompany("co-acme-0001")
	if acme.ID() != "co-acme-0001" {
		t.Errorf("ID() = %q", acme.ID())
	}
	if _, err := acme.API().GetEnrollmentsFormDetailsWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.API().PostCompaniesSearchWithResponse(ctx, gen.PostCompaniesSearchJSONRequestBody{}); err != nil {
		t.Fatal(err)
	}
	reqs := s.apiRequests()
	scoped, unscoped := reqs[0], reqs[1]
	for _, h := range []string{"X-KEEPNET-Company-Id", "x-ir-company-id"} {
		if got := scoped.Header.Get(h); got != "co-acme-0001" {
			t.Errorf("scoped call: %s = %q, want co-acme-0001", h, got)
		}
		if got, present := unscoped.Header[http.CanonicalHeaderKey(h)]; present {
			t.Errorf("unscoped call carries %s = %q", h, got)
		}
	}
}

func TestCompanyScopeWithoutIDIsRefused(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s)
	_, err := c.ForCompany("").API().GetEnrollmentsFormDetailsWithResponse(context.Background())
	if err == nil {
		t.Fatal("scoped call without company ID succeeded")
	}
	if n := len(s.apiRequests()); n != 0 {
		t.Errorf("%d requests reached the server, want 0", n)
	}
}

// Two companies worked on at the same time must never see each other's
// headers: each request names its company in the path and the server checks
// the headers against it.
func TestConcurrentScopesDoNotLeak(t *testing.T) {
	var mismatches atomic.Int64
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		want := strings.TrimPrefix(r.URL.Path, "/api/enrollments/enr-of-")
		if r.Header.Get("X-KEEPNET-Company-Id") != want || r.Header.Get("x-ir-company-id") != want {
			mismatches.Add(1)
		}
		writeJSON(w, http.StatusOK, `{"data":{}}`)
	})
	c, _ := newTestClient(t, s, WithMaxInFlight(16))
	companies := []*ScopedClient{c.ForCompany("co-acme-0001"), c.ForCompany("co-globex-0002")}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		co := companies[i%2]
		wg.Go(func() {
			if _, err := co.API().GetEnrollmentsResourceIdWithResponse(context.Background(), "enr-of-"+co.ID()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := mismatches.Load(); n != 0 {
		t.Errorf("%d requests carried another company's headers", n)
	}
}

// 1,000 concurrent calls share one token, and the in-flight bound holds
// across scopes.
func TestTokenSharedAcrossConcurrentCalls(t *testing.T) {
	const calls, bound = 1000, 8
	var inFlight, peak atomic.Int64
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		writeJSON(w, http.StatusOK, `{"data":{}}`)
	})
	c, _ := newTestClient(t, s, WithMaxInFlight(bound))
	var wg sync.WaitGroup
	var failures atomic.Int64
	for i := range calls {
		api := c.API()
		if i%2 == 1 {
			api = c.ForCompany(fmt.Sprintf("co-%d", i%7)).API()
		}
		wg.Go(func() {
			if _, err := api.GetTimezoneTimezonesWithResponse(context.Background()); err != nil {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d calls failed", n)
	}
	if n := s.tokenRequests.Load(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	if n := len(s.apiRequests()); n != calls {
		t.Errorf("API requests = %d, want %d", n, calls)
	}
	if p := peak.Load(); p > bound {
		t.Errorf("peak in flight = %d, bound %d", p, bound)
	}
}

func TestTokenRefreshedOn401(t *testing.T) {
	staleToken := "Bearer " + testTokenPrefix + "1"
	tests := []struct {
		name string
		call func(*ScopedClient) error
	}{
		{"read", func(co *ScopedClient) error {
			_, err := co.API().GetEnrollmentsFormDetailsWithResponse(context.Background())
			return err
		}},
		{"create is retried too: a 401 means nothing was done", func(co *ScopedClient) error {
			_, err := co.API().PostEnrollmentsWithResponse(context.Background(), gen.PostEnrollmentsJSONRequestBody{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") == staleToken {
					w.WriteHeader(http.StatusUnauthorized) // the live service sends no body
					return
				}
				writeJSON(w, http.StatusOK, `{"data":{"id":"enr-1"}}`)
			})
			c, fc := newTestClient(t, s)
			if err := tt.call(c.ForCompany("co-acme-0001")); err != nil {
				t.Fatalf("call: %v", err)
			}
			if n := s.tokenRequests.Load(); n != 2 {
				t.Errorf("token requests = %d, want 2", n)
			}
			if n := len(s.apiRequests()); n != 2 {
				t.Errorf("API requests = %d, want 2", n)
			}
			if w := fc.sleeps(); len(w) != 0 {
				t.Errorf("waited %v before the token retry, want no wait", w)
			}
		})
	}
}

func TestManyRequestsRefusedWithOneTokenRefreshOnce(t *testing.T) {
	staleToken := "Bearer " + testTokenPrefix + "1"
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == staleToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		writeJSON(w, http.StatusOK, `{"data":{}}`)
	})
	c, _ := newTestClient(t, s)
	var wg sync.WaitGroup
	var failures atomic.Int64
	for range 50 {
		wg.Go(func() {
			if _, err := c.API().GetTimezoneTimezonesWithResponse(context.Background()); err != nil {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d calls failed", n)
	}
	if n := s.tokenRequests.Load(); n != 2 {
		t.Errorf("token requests = %d, want 2 (one refresh for all refused requests)", n)
	}
}

func TestPersistent401IsAPIError(t *testing.T) {
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	})
	c, _ := newTestClient(t, s)
	_, err := c.API().GetTimezoneTimezonesWithResponse(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("got %v, want *APIError 401", err)
	}
	if !strings.Contains(err.Error(), "expired") {
		t.Errorf("401 error lacks guidance: %v", err)
	}
	if n := len(s.apiRequests()); n != 2 {
		t.Errorf("API requests = %d, want 2 (one retry with a fresh token)", n)
	}
}

func TestCredentialsRejected(t *testing.T) {
	tests := []struct {
		name  string
		token http.HandlerFunc
	}{
		{"400 invalid_client", nil}, // serveToken with wrong credentials
		{"401 invalid_client", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusUnauthorized, `{"error":"invalid_client"}`)
		}},
		{"error echoing the secret", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			writeJSON(w, http.StatusBadRequest, fmt.Sprintf(`{"error":"invalid_client","error_description":"bad secret %s"}`, r.PostForm.Get("client_secret")))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAPIServer(t, nil)
			s.tokenHandler = tt.token
			c, _ := newTestClient(t, s, WithCredentials(testClientID, testClientSecret+"-wrong"))
			var wg sync.WaitGroup
			errs := make([]error, 20)
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = c.ForCompany("co-acme-0001").API().GetEnrollmentsFormDetailsWithResponse(context.Background())
				})
			}
			wg.Wait()
			for _, err := range errs {
				if !errors.Is(err, ErrCredentialsRejected) {
					t.Fatalf("got %v, want ErrCredentialsRejected", err)
				}
				if leaked := leakedSecrets(err.Error(), testClientSecret); leaked != nil {
					t.Fatalf("error leaks the secret: %v", err)
				}
			}
			if n := len(s.apiRequests()); n != 0 {
				t.Errorf("%d API requests sent without a token", n)
			}
			if n := s.tokenRequests.Load(); n != 1 {
				t.Errorf("token requests = %d, want 1 (rejection is remembered)", n)
			}
		})
	}
}

// A create whose context is already over never leaves the machine, so its
// outcome is known: not done.
func TestCancelledBeforeSendingIsNotOutcomeUnknown(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s)
	co := c.ForCompany("co-acme-0001")
	if err := getEnrollment(context.Background(), co); err != nil { // token in hand
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := createEnrollment(ctx, co)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("got %v, want context.Canceled without ErrOutcomeUnknown", err)
	}
	if n := len(s.apiRequests()); n != 1 {
		t.Errorf("API requests = %d, want 1 (only the get)", n)
	}
}

// Printing the client or a scope, or dumping the request behind a response,
// as a debugging session might, shows no credentials.
func TestPrintingClientShowsNoSecret(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s)
	co := c.ForCompany("co-acme-0001")
	resp, err := co.API().GetEnrollmentsResourceIdWithResponse(context.Background(), "enr-1")
	if err != nil {
		t.Fatal(err)
	}
	dump, err := httputil.DumpRequest(resp.HTTPResponse.Request, false)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("%v %+v %#v %v %+v %#v %s", c, c, c, co, *co, co, dump)
	if leaked := leakedSecrets(out, testClientSecret, testTokenPrefix); leaked != nil {
		t.Errorf("printing the client shows %q: %s", leaked, out)
	}
}

// A base URL with a path (a proxy in front of the API, say) keeps the path
// for the token endpoint and the API alike.
func TestBaseURLWithPath(t *testing.T) {
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/keepnet/connect/token" {
			serveToken(w, r, testTokenPrefix+"1")
			return
		}
		writeJSON(w, http.StatusOK, `{"data":{}}`)
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL+"/keepnet/"), WithCredentials(testClientID, testClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.API().GetTimezoneTimezonesWithResponse(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"/keepnet/connect/token", "/keepnet/api/timezone/timezones"}; !slices.Equal(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}
