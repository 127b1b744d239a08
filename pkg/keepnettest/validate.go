package keepnettest

import (
	"io"
	"net/http"
	"strings"
)

// A RequestValidator checks a request, whose body has been read into body,
// against an API description. speccheck.Spec checks against the vendor's
// OpenAPI document with kin-openapi; it lives in its own package so that
// programs serving the fake without validation (the CLI's sandbox) do not
// link kin-openapi, whose initialisation took almost half of every CLI
// start (11 of 25 ms of CPU).
type RequestValidator interface {
	ValidateRequest(r *http.Request, body []byte) error
}

// SpecViolationPrefix starts the body of every 400 the fake sends for a
// request the vendor's spec does not allow.
const SpecViolationPrefix = "keepnettest: request does not match the vendor spec: "

// reportViolation answers 400, records the violation and fails the test
// given with WithT.
func (s *Server) reportViolation(w http.ResponseWriter, r *http.Request, err error) {
	msg := SpecViolationPrefix + oneLine(err.Error())
	s.mu.Lock()
	s.violations = append(s.violations, msg)
	s.mu.Unlock()
	if s.cfg.t != nil {
		s.cfg.t.Errorf("%s", msg)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = io.WriteString(w, msg+"\n")
}

// oneLine folds kin-openapi's multi-line errors (schema dumps included) to
// one line, keeping the start where the reason is.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const limit = 600
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return s
}

// SpecViolations returns the violations recorded so far, in order.
func (s *Server) SpecViolations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}
