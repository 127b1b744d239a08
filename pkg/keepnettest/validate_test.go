package keepnettest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// recordingT is a testing.TB that records Errorf instead of failing, to
// check that WithT reports violations.
type recordingT struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingT) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestRequestsTheSpecForbidsFailVisibly(t *testing.T) {
	rt := &recordingT{TB: t}
	s := keepnettest.NewServer(keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(rt))
	defer s.Close()
	tok := token(t, s)
	cases := []struct{ name, method, path, body string }{
		{"missing required orderBy", "POST", "/api/companies/search", `{"pageNumber":1,"pageSize":10,"ascending":false,"filter":{}}`},
		{"null filter", "POST", "/api/companies/search", `{"pageNumber":1,"pageSize":10,"orderBy":"x","ascending":false,"filter":null}`},
		{"string page number", "POST", "/api/enrollments/search", `{"pageNumber":"1","pageSize":10,"orderBy":"x","ascending":false,"filter":{}}`},
		{"create without name", "POST", "/api/enrollments", `{"trainingId":"t","targetGroupResourceIds":["g"]}`},
		{"path not in the spec", "GET", "/api/enrollments/x/nonsense", ``},
	}
	for i, c := range cases {
		r := raw(t, s, tok, c.method, c.path, "application/json", c.body, both(keepnettest.CompanyAcmeID)...)
		if r.status != 400 || !strings.HasPrefix(r.body, keepnettest.SpecViolationPrefix) {
			t.Errorf("%s: status %d body %q, want 400 starting %q", c.name, r.status, r.body, keepnettest.SpecViolationPrefix)
		}
		if got := len(s.SpecViolations()); got != i+1 {
			t.Errorf("%s: %d violations recorded, want %d", c.name, got, i+1)
		}
		if len(rt.errors) != i+1 {
			t.Errorf("%s: WithT's test got %d errors, want %d", c.name, len(rt.errors), i+1)
		}
	}
}

func TestSpecAllowsWhatTheServiceRejects(t *testing.T) {
	// The spec offers application/json-patch+json; the service answers 400.
	// That must be the service's 400, not a spec violation.
	s := newServer(t)
	r := raw(t, s, token(t, s), "POST", "/api/companies/search", "application/json-patch+json", minimalSearch)
	if r.status != 400 || strings.HasPrefix(r.body, keepnettest.SpecViolationPrefix) {
		t.Errorf("json-patch+json: status %d body %q, want the service's own 400", r.status, r.body)
	}
	if v := s.SpecViolations(); len(v) != 0 {
		t.Errorf("violations %q, want none", v)
	}
}
