package keepnet

import (
	"context"
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

const htmlPage = "<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>try later</body></html>"

// hollowThenGood answers the first n API requests 200 with body (labelled
// contentType), then a proper envelope.
func hollowThenGood(n int64, contentType, body string) (http.HandlerFunc, *atomic.Int64) {
	var seen atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= n {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(body))
			return
		}
		writeJSON(w, http.StatusOK, `{"data":{"id":"enr-1","resourceId":"enr-1","results":[]}}`)
	}, &seen
}

func TestHollow2xxIsRetriedForReads(t *testing.T) {
	tests := []struct {
		name, contentType, body string
	}{
		{"HTML page", "text/html; charset=utf-8", htmlPage},
		{"HTML labelled JSON", "application/json", htmlPage},
		{"plain text", "text/plain", "OK"},
		{"truncated JSON", "application/json", `{"data":{"resu`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler, seen := hollowThenGood(2, tt.contentType, tt.body)
			c, fc := newTestClient(t, newAPIServer(t, handler))
			if err := searchEnrollments(t.Context(), c.ForCompany("co-1")); err != nil {
				t.Fatalf("search: %v", err)
			}
			if seen.Load() != 3 || len(fc.sleeps()) != 2 {
				t.Errorf("%d requests, %d waits; want 3 and 2 (two hollow answers retried)", seen.Load(), len(fc.sleeps()))
			}
		})
	}
}

func TestHollow2xxThatPersistsFailsTheRead(t *testing.T) {
	handler, seen := hollowThenGood(1000, "text/html", htmlPage)
	c, _ := newTestClient(t, newAPIServer(t, handler))
	err := getEnrollment(t.Context(), c.ForCompany("co-1"))
	if !errors.Is(err, ErrHollowResponse) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v; want ErrHollowResponse for a read", err)
	}
	if !strings.Contains(err.Error(), "Service Unavailable") || seen.Load() != int64(DefaultRetryPolicy().MaxAttempts) {
		t.Errorf("err = %v after %d requests", err, seen.Load())
	}
}

func TestJSONLabelledTextIsAccepted(t *testing.T) {
	handler, seen := hollowThenGood(1, "text/plain; charset=utf-8", `{"data":{"results":[]}}`)
	c, _ := newTestClient(t, newAPIServer(t, handler))
	if err := searchEnrollments(t.Context(), c.ForCompany("co-1")); err != nil || seen.Load() != 1 {
		t.Fatalf("search: %v after %d requests; JSON labelled text/plain must be decoded", err, seen.Load())
	}
}

func TestHollow2xxToACreateHasAnUnknownOutcome(t *testing.T) {
	for _, op := range []struct {
		name string
		call func(context.Context, *ScopedClient) error
	}{{"create", createEnrollment}, {"send", sendEnrollment}} {
		t.Run(op.name, func(t *testing.T) {
			handler, seen := hollowThenGood(1000, "text/html", htmlPage)
			c, _ := newTestClient(t, newAPIServer(t, handler))
			err := op.call(t.Context(), c.ForCompany("co-1"))
			if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrHollowResponse) {
				t.Fatalf("err = %v; want ErrOutcomeUnknown wrapping ErrHollowResponse", err)
			}
			if seen.Load() != 1 {
				t.Errorf("%d requests: a create answered 2xx must never be repeated", seen.Load())
			}
		})
	}
}

func TestWithBodyCheck(t *testing.T) {
	handler, seen := hollowThenGood(0, "", "")
	c, _ := newTestClient(t, newAPIServer(t, handler))
	scope := c.ForCompany("co-1")

	// A check finding the body hollow: retried, and the last word is its.
	calls := 0
	ctx := reqctx.WithBodyCheck(t.Context(), func(body []byte) error {
		calls++
		return reqctx.Hollow("no data.results in %d bytes", len(body))
	})
	err := searchEnrollments(ctx, scope)
	if !errors.Is(err, ErrHollowResponse) || !strings.Contains(err.Error(), "no data.results") || calls != DefaultRetryPolicy().MaxAttempts {
		t.Fatalf("err = %v after %d checks", err, calls)
	}

	// Any other error fails the call at once.
	before := seen.Load()
	ctx = reqctx.WithBodyCheck(t.Context(), func([]byte) error { return errors.New("drifted beyond use") })
	if err := searchEnrollments(ctx, scope); err == nil || errors.Is(err, ErrHollowResponse) || seen.Load() != before+1 {
		t.Fatalf("err = %v after %d requests", err, seen.Load()-before)
	}

	// A check that accepts sees the body the caller then reads.
	var got string
	ctx = reqctx.WithBodyCheck(t.Context(), func(body []byte) error { got = string(body); return nil })
	if err := searchEnrollments(ctx, scope); err != nil || !strings.Contains(got, `"results":[]`) {
		t.Fatalf("err = %v, body seen %q", err, got)
	}
}

func TestResponseBodyLimit(t *testing.T) {
	const limit = 64 << 10
	var sent atomic.Int64
	big := func(declare bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			chunk := strings.Repeat("x", 32<<10)
			if declare {
				w.Header().Set("Content-Length", fmt.Sprint(100<<20))
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":"`))
			for range (100 << 20) / len(chunk) {
				n, err := w.Write([]byte(chunk))
				sent.Add(int64(n))
				if err != nil {
					return
				}
			}
		}
	}
	for _, declare := range []bool{true, false} {
		t.Run(fmt.Sprintf("declared=%v", declare), func(t *testing.T) {
			srv := newAPIServer(t, big(declare))
			c, _ := newTestClient(t, srv, WithMaxResponseBytes(limit))
			_, err := c.ForCompany("co-1").API().GetEnrollmentsResourceIdWithResponse(t.Context(), "enr-1")
			if err == nil || !strings.Contains(err.Error(), "exceeds the limit of 65536 bytes") {
				t.Fatalf("err = %v", err)
			}
			if reqs := len(srv.apiRequests()); reqs != 1 {
				t.Errorf("%d requests: an oversized body is not retried", reqs)
			}
		})
	}
	if _, err := New(WithBaseURL("https://example.test"), WithCredentials("a", "b"), WithMaxResponseBytes(-1)); err == nil {
		t.Error("a negative limit was accepted")
	}
}

func TestDefaultBodyCheckAcceptsEmptyBodies(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	c, _ := newTestClient(t, srv)
	if _, err := c.ForCompany("co-1").API().DeleteEnrollmentsResourceId(t.Context(), "enr-1"); err != nil {
		t.Fatalf("an empty 200 to a DELETE failed: %v", err)
	}
}
