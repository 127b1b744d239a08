package workflows_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// hollowListing replaces the fake's answers to enrollments/search, while
// set, with a 200 of the given body: the service's edge and a broken
// deployment both answer so.
type hollowListing struct {
	mu          sync.Mutex
	body, ctype string
}

func (h *hollowListing) set(body, ctype string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.body, h.ctype = body, ctype
}

func (h *hollowListing) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	h.mu.Lock()
	body, ctype := h.body, h.ctype
	h.mu.Unlock()
	if err != nil || body == "" || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/api/enrollments/search") {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {ctype}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: r,
	}, nil
}

// hollowAnswers are 200s to enrollments/search that say nothing about what
// exists.
var hollowAnswers = []struct{ name, body, ctype string }{
	{"data null", `{"data":null,"status":"SUCCESS","message":null}`, "application/json; charset=utf-8"},
	{"results null", `{"data":{"pageNumber":1,"pageSize":100,"totalNumberOfPages":1,"totalNumberOfRecords":0,"results":null},"status":"SUCCESS"}`, "application/json; charset=utf-8"},
	{"HTML page", `<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>`, "text/html"},
	{"cut short", `{"data":{"pageNumber":1,"pageSize":100,"results":[{"enrollmentId":"e7Acm`, "application/json; charset=utf-8"},
}

func TestEnrollStopsOnAHollowListing(t *testing.T) {
	for _, tc := range hollowAnswers {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := startEnrollFake(t)
			hollow := &hollowListing{}
			hollow.set(tc.body, tc.ctype)
			c := fakeClient(t, srv, keepnet.WithRetry(enrollRetry), keepnet.WithTransport(hollow))
			req := acmeRequest("Hollow listing")
			_, err := workflows.Enroll(context.Background(), c, req)
			var ie *workflows.InputError
			if err == nil || errors.As(err, &ie) || !strings.Contains(err.Error(), "enrollments/search") {
				t.Fatalf("err = %v, want a failure (exit 1) naming the listing", err)
			}
			if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 0 {
				t.Errorf("%d creates posted on a listing that could not be read", n)
			}
		})
	}
}
