package keepnet

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
)

// sink is a second server, the one a redirect points to. It records
// whatever reaches it.
type sink struct {
	*httptest.Server
	mu  sync.Mutex
	got []string // per request: method, URL, headers and body
}

// newSink starts a sink on addr ("127.0.0.1:0" is another port of the
// API's host; "127.0.0.2:0" another host).
func newSink(t *testing.T, addr string) *sink {
	t.Helper()
	s := &sink{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var b strings.Builder
		b.WriteString(r.Method + " " + r.URL.String() + "\n")
		_ = r.Header.Write(&b)
		b.Write(body)
		s.mu.Lock()
		s.got = append(s.got, b.String())
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, `{"access_token":"sink-token","expires_in":3600,"token_type":"Bearer"}`)
	}))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *sink) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

func redirectTo(target string, code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", target)
		w.WriteHeader(code)
	}
}

func TestRedirectsToAnotherOriginAreRefused(t *testing.T) {
	tests := []struct {
		name      string
		sinkAddr  string
		fromToken bool // the token endpoint redirects; else an API call does
		code      int
	}{
		{"token endpoint to another port", "127.0.0.1:0", true, http.StatusTemporaryRedirect},
		{"token endpoint to another host", "127.0.0.2:0", true, http.StatusTemporaryRedirect},
		{"token endpoint 308 to another host", "127.0.0.2:0", true, http.StatusPermanentRedirect},
		{"token endpoint 302 to another port", "127.0.0.1:0", true, http.StatusFound},
		{"API call to another port", "127.0.0.1:0", false, http.StatusTemporaryRedirect},
		{"API call to another host", "127.0.0.2:0", false, http.StatusTemporaryRedirect},
		{"API call 308 to another host", "127.0.0.2:0", false, http.StatusPermanentRedirect},
		{"API call 301 to another port", "127.0.0.1:0", false, http.StatusMovedPermanently},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := newSink(t, tt.sinkAddr)
			target := other.URL + "/collect?from=redirect"
			s := newAPIServer(t, redirectTo(target, tt.code))
			if tt.fromToken {
				s.api = nil
				s.tokenHandler = redirectTo(target, tt.code)
			}
			c, _ := newTestClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 1}))

			_, err := c.ForCompany("co-acme-0001").API().PostCompaniesSearchWithResponse(context.Background(), gen.PostCompaniesSearchJSONRequestBody{})
			if err == nil {
				t.Fatal("call succeeded through a redirect to another origin")
			}
			if got := other.requests(); len(got) != 0 {
				t.Fatalf("the other origin received %d requests:\n%s", len(got), strings.Join(got, "\n---\n"))
			}
			msg := err.Error()
			if !strings.Contains(msg, other.URL+"/collect") {
				t.Errorf("error does not name the redirect target %s: %s", other.URL, msg)
			}
			if leaked := leakedSecrets(msg, testClientSecret, testTokenPrefix); len(leaked) > 0 {
				t.Errorf("error shows %q: %s", leaked, msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if tt.fromToken && len(s.apiRequests()) != 0 {
				t.Errorf("API requests were sent without a token: %d", len(s.apiRequests()))
			}
		})
	}
}

func TestTokenRequestDoesNotFollowRedirectWithinOrigin(t *testing.T) {
	s := newAPIServer(t, nil)
	s.tokenHandler = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("moved") == "" {
			redirectTo("/connect/token?moved=1", http.StatusTemporaryRedirect)(w, r)
			return
		}
		serveToken(w, r, testTokenPrefix+"moved")
	}
	c, _ := newTestClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := c.API().PostCompaniesSearchWithResponse(context.Background(), gen.PostCompaniesSearchJSONRequestBody{})
	if err == nil || !strings.Contains(err.Error(), "never follows redirects") {
		t.Fatalf("got %v, want the token redirect refused", err)
	}
	if n := s.tokenRequests.Load(); n != 1 {
		t.Errorf("token endpoint asked %d times, want 1 (the redirect not followed)", n)
	}
}

func TestAPIRedirectWithinOriginIsFollowed(t *testing.T) {
	var (
		mu      sync.Mutex
		arrived *http.Request
		body    string
	)
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/moved/companies/search" {
			redirectTo("/moved/companies/search", http.StatusTemporaryRedirect)(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		arrived, body = r.Clone(context.Background()), string(b)
		mu.Unlock()
		writeJSON(w, http.StatusOK, `{"data":{"results":[]},"status":"SUCCESS"}`)
	})
	c, _ := newTestClient(t, s)
	resp, err := c.ForCompany("co-acme-0001").API().PostCompaniesSearchWithResponse(context.Background(), gen.PostCompaniesSearchJSONRequestBody{})
	if err != nil {
		t.Fatalf("same-origin redirect: %v", err)
	}
	if resp.StatusCode() != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode())
	}
	mu.Lock()
	defer mu.Unlock()
	if arrived == nil {
		t.Fatal("the redirect target was not asked")
	}
	if !strings.HasPrefix(arrived.Header.Get("Authorization"), "Bearer "+testTokenPrefix) {
		t.Errorf("Authorization at the target: %q", arrived.Header.Get("Authorization"))
	}
	if arrived.Header.Get("X-KEEPNET-Company-Id") != "co-acme-0001" {
		t.Errorf("company header at the target: %q", arrived.Header.Get("X-KEEPNET-Company-Id"))
	}
	if body == "" {
		t.Error("307 lost the body")
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://api.example.com/x", "https://api.example.com/y", true},
		{"https://api.example.com:443/x", "https://API.example.com/y", true},
		{"http://127.0.0.1:80/x", "http://127.0.0.1/y", true},
		{"http://api.example.com/x", "https://api.example.com/y", false},
		{"https://api.example.com:8443/x", "https://api.example.com/y", false},
		{"https://evil.example.com/x", "https://api.example.com/y", false},
		{"https://api.example.com.evil.test/x", "https://api.example.com/y", false},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := sameOrigin(a, b); got != tt.want {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
