package keepnettest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// statuses sends n identical requests with tok and returns their status
// codes (0 for a dropped connection).
func statuses(t *testing.T, s *keepnettest.Server, tok string, n int) []int {
	t.Helper()
	var out []int
	for range n {
		req, err := http.NewRequest("GET", s.URL+"/api/timezone/timezones", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := s.Client().Do(req)
		if err != nil {
			out = append(out, 0)
			continue
		}
		resp.Body.Close()
		out = append(out, resp.StatusCode)
	}
	return out
}

func TestFaultsAreDeterministicPerSeed(t *testing.T) {
	faults := keepnettest.Faults{TooManyRequests: 0.2, BadGateway: 0.2, Unavailable: 0.1, Drop: 0.1,
		Routes: []string{keepnettest.RouteTimeZones}}
	run := func(seed uint64) []int {
		s := keepnettest.NewServer(keepnettest.WithSeed(seed), keepnettest.WithFaults(faults))
		defer s.Close()
		return statuses(t, s, token(t, s), 60)
	}
	a, b := run(3), run(3)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	seen := map[int]int{}
	for _, code := range a {
		seen[code]++
	}
	for _, code := range []int{200, 429, 502, 503, 0} {
		if seen[code] == 0 {
			t.Errorf("60 requests at these rates never gave %d: %v", code, seen)
		}
	}
	if slices.Equal(a, run(4)) {
		t.Error("different seeds gave the same faults")
	}
}

func TestFaultBodiesAndHeaders(t *testing.T) {
	cases := []struct {
		name     string
		faults   keepnettest.Faults
		status   int
		html     bool
		retryHdr string
	}{
		{"429 with Retry-After", keepnettest.Faults{TooManyRequests: 1, RetryAfter: 3 * time.Second}, 429, false, "3"},
		{"429 without Retry-After", keepnettest.Faults{TooManyRequestsBare: 1}, 429, false, ""},
		{"500 page", keepnettest.Faults{InternalError: 1}, 500, true, ""},
		{"502 page", keepnettest.Faults{BadGateway: 1}, 502, true, ""},
		{"503 page", keepnettest.Faults{Unavailable: 1}, 503, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.faults.ExceptRoutes = []string{keepnettest.RouteToken}
			s := newServer(t, keepnettest.WithFaults(c.faults))
			r := raw(t, s, token(t, s), "GET", "/api/timezone/timezones", "", "")
			if r.status != c.status || r.header.Get("Retry-After") != c.retryHdr {
				t.Errorf("status %d Retry-After %q, want %d %q", r.status, r.header.Get("Retry-After"), c.status, c.retryHdr)
			}
			if got := strings.HasPrefix(r.header.Get("Content-Type"), "text/html"); got != c.html {
				t.Errorf("content type %q, HTML wanted: %v", r.header.Get("Content-Type"), c.html)
			}
		})
	}
}

func TestDroppedConnectionGivesTheClientATransportError(t *testing.T) {
	s := newServer(t, keepnettest.WithFaults(keepnettest.Faults{Drop: 1, Routes: []string{keepnettest.RouteTimeZones}}))
	if got := statuses(t, s, token(t, s), 1); got[0] != 0 {
		t.Errorf("status %d, want a dropped connection", got[0])
	}
}

func TestFaultsRespectRouteRestrictions(t *testing.T) {
	s := newServer(t, keepnettest.WithFaults(keepnettest.Faults{Unavailable: 1, Routes: []string{keepnettest.RouteEnrollmentCreate}}))
	tok := token(t, s) // the token route is not in Routes, so it works
	if r := raw(t, s, tok, "POST", "/api/companies/search", "application/json", minimalSearch); r.status != 200 {
		t.Errorf("companies/search: status %d, want 200 (faults only on create)", r.status)
	}
	s.SetFaults(keepnettest.Faults{Unavailable: 1, ExceptRoutes: []string{keepnettest.RouteToken}})
	if r := raw(t, s, tok, "POST", "/api/companies/search", "application/json", minimalSearch); r.status != 503 {
		t.Errorf("after SetFaults: status %d, want 503", r.status)
	}
	if r := raw(t, s, "", "POST", "/connect/token", "application/x-www-form-urlencoded", tokenForm(s.ClientID, s.ClientSecret)); r.status != 200 {
		t.Errorf("exempt token route: status %d, want 200", r.status)
	}
}

func TestTokenEndpointCanFailToo(t *testing.T) {
	s := newServer(t, keepnettest.WithFaults(keepnettest.Faults{Unavailable: 1}))
	if r := raw(t, s, "", "POST", "/connect/token", "application/x-www-form-urlencoded", tokenForm(s.ClientID, s.ClientSecret)); r.status != 503 {
		t.Errorf("token endpoint under faults: status %d, want 503", r.status)
	}
}

func TestRateLimitAnswers429BeyondTheBurst(t *testing.T) {
	// A rate so low that no token refills during the test: the outcome does
	// not depend on timing.
	s := newServer(t, keepnettest.WithRateLimit(0.001, 3))
	got := statuses(t, s, token(t, s), 3) // the token request used one
	if got[0] != 200 || got[1] != 200 || got[2] != 429 {
		t.Errorf("statuses %v, want 200 200 429", got)
	}
	if r := raw(t, s, "", "GET", "/api/timezone/timezones", "", ""); r.header.Get("Retry-After") == "" {
		t.Errorf("rate-limited answer without Retry-After")
	}
}

func TestRequestLogRecordsScopeAndKeepsNoSecrets(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	raw(t, s, tok, "POST", "/api/target-groups/search/current-company", "application/json", minimalSearch, both(keepnettest.CompanyAcmeID)...)
	log := s.Requests()
	if len(log) != 2 {
		t.Fatalf("%d requests logged, want 2", len(log))
	}
	if log[0].Route != keepnettest.RouteToken || log[0].Body != nil {
		t.Errorf("token request logged as %+v; its body holds the secret and must not be kept", log[0])
	}
	g := log[1]
	if g.Route != keepnettest.RouteTargetGroupsSearch || g.CompanyID != keepnettest.CompanyAcmeID ||
		g.IRCompanyID != keepnettest.CompanyAcmeID || g.Status != 200 || string(g.Body) != minimalSearch {
		t.Errorf("groups request logged as %+v", g)
	}
	if n := s.RequestCount(keepnettest.RouteTargetGroupsSearch); n != 1 {
		t.Errorf("RequestCount = %d, want 1", n)
	}
}
