package keepnet

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// oneGiB is the hostile body of these tests: far more than any limit.
const oneGiB = 1 << 30

// streamBody answers every API request with n bytes of a JSON string,
// streamed without a Content-Length, and counts what it managed to send.
func streamBody(n int64, sent *atomic.Int64) http.HandlerFunc {
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":"`))
		for left := n; left > 0; left -= int64(len(chunk)) {
			m, err := w.Write(chunk[:min(int64(len(chunk)), left)])
			sent.Add(int64(m))
			if err != nil {
				return // the client hung up
			}
		}
		_, _ = w.Write([]byte(`"}`))
	}
}

// gzipBomb is a gzip stream of 1 GiB of zeros in about 1 MB: 64 members of
// 16 MiB each, which gzip readers (net/http's included) read as one.
var gzipBomb = sync.OnceValue(func() []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 16<<20))
	_ = zw.Close()
	return bytes.Repeat(member.Bytes(), oneGiB/(16<<20))
})

// serveBomb answers with the gzip bomb, labelled as compressed JSON.
func serveBomb(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	_, _ = w.Write(gzipBomb())
}

// A 1 GiB body and a gzip bomb of 1 GiB fail their call at the body limit,
// with or without the trace: the client stops reading there, and the trace
// shows a prefix and the size read, not the body.
func TestHugeBodiesStopAtTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bomb  bool
		trace bool
	}{
		{"plain", false, false}, {"plain traced", false, true},
		{"gzip bomb", true, false}, {"gzip bomb traced", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent atomic.Int64
			handler := streamBody(oneGiB, &sent)
			if tc.bomb {
				handler = serveBomb
			}
			srv := newAPIServer(t, handler)
			var trace bytes.Buffer
			var opts []Option
			if tc.trace {
				opts = append(opts, WithTrace(&trace))
			}
			c, _ := newTestClient(t, srv, opts...)
			_, err := c.ForCompany("co-1").API().GetEnrollmentsResourceId(t.Context(), "enr-1")
			var tooLarge *bodyTooLargeError
			if !errors.As(err, &tooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("exceeds the limit of %d bytes", DefaultMaxResponseBytes)) {
				t.Fatalf("err = %v, want the body limit", err)
			}
			if got := sent.Load(); !tc.bomb && got > DefaultMaxResponseBytes+16<<20 {
				t.Errorf("the server got %d bytes out: the client read past its limit", got)
			}
			if tc.trace {
				want := fmt.Sprintf("(body not read to its end: the client stopped after %d bytes)", DefaultMaxResponseBytes+1)
				if !strings.Contains(trace.String(), want) || trace.Len() > 64<<10 {
					t.Errorf("trace of %d bytes lacks %q", trace.Len(), want)
				}
			}
		})
	}
}

// A cancelled context ends a request whose body is half sent, with or
// without the trace, and the error says it was cancelled.
func TestCancelEndsARequestMidBody(t *testing.T) {
	for _, traced := range []bool{false, true} {
		t.Run(fmt.Sprintf("trace=%v", traced), func(t *testing.T) {
			started := make(chan struct{})
			srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"data":"` + strings.Repeat("x", 1<<20)))
				w.(http.Flusher).Flush()
				close(started)
				<-r.Context().Done() // the rest never comes
			})
			var opts []Option
			if traced {
				opts = append(opts, WithTrace(io.Discard))
			}
			c, _ := newTestClient(t, srv, opts...)
			ctx, cancel := context.WithCancel(t.Context())
			go func() {
				<-started
				cancel()
			}()
			_, err := c.ForCompany("co-1").API().GetEnrollmentsResourceId(ctx, "enr-1")
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
		})
	}
}

// held tracks the body bytes the client's callers hold at once.
type held struct {
	now, peak atomic.Int64
}

func (h *held) check(body []byte) error {
	n := h.now.Add(int64(len(body)))
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	time.Sleep(5 * time.Millisecond) // let other requests overlap this one
	h.now.Add(-int64(len(body)))
	return nil
}

// The bytes buffered at once stay within WithMaxBufferedBytes, for bodies
// of declared and unknown size, and a body larger than the whole budget is
// still read; nothing deadlocks.
func TestBufferedBytesAreBounded(t *testing.T) {
	const mib = 1 << 20
	for _, declared := range []bool{false, true} {
		t.Run(fmt.Sprintf("declared=%v", declared), func(t *testing.T) {
			body := []byte(`{"data":"` + strings.Repeat("x", mib) + `"}`)
			huge := []byte(`{"data":"` + strings.Repeat("y", 5*mib) + `"}`)
			srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
				b := body
				if strings.HasSuffix(r.URL.Path, "/huge") {
					b = huge
				}
				w.Header().Set("Content-Type", "application/json")
				if declared {
					w.Header().Set("Content-Length", fmt.Sprint(len(b)))
				}
				_, _ = w.Write(b)
			})
			const budget = 4 * mib
			c, _ := newTestClient(t, srv, WithMaxBufferedBytes(budget), WithMaxResponseBytes(8*mib))
			var h held
			ctx := reqctx.WithBodyCheck(t.Context(), h.check)
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := range 40 {
				wg.Go(func() {
					id := fmt.Sprintf("enr-%d", i)
					if i%10 == 0 {
						id = "huge" // 5 MiB: more than the whole budget
					}
					resp, err := c.ForCompany("co-1").API().GetEnrollmentsResourceId(ctx, id)
					if err == nil {
						_ = resp.Body.Close()
					}
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if p := h.peak.Load(); p > max(budget, int64(len(huge))) {
				t.Errorf("%d bytes buffered at once, over the budget of %d", p, budget)
			}
		})
	}
}

// BenchmarkSmallBodyRequest is the connection layer's cost for the request
// a survey pull makes per user: a GET of a 7 KB body of unknown size,
// checked by the caller, through a company scope.
func BenchmarkSmallBodyRequest(b *testing.B) {
	body := []byte(`{"data":[{"answer":"` + strings.Repeat("a", 7<<10) + `"}]}`)
	srv := newAPIServer(&testing.T{}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithCredentials(testClientID, testClientSecret), withEnv(func(string) string { return "" }))
	if err != nil {
		b.Fatal(err)
	}
	api := c.ForCompany("co-1").API()
	ctx := reqctx.WithBodyCheck(context.Background(), func([]byte) error { return nil })
	b.ReportAllocs()
	for b.Loop() {
		resp, err := api.GetTrainingReportsExamResultSessionsTargetUserResourceId(ctx, "e7AcmeSurv001", "uaq6BG000123")
		if err != nil {
			b.Fatal(err)
		}
		_ = resp.Body.Close()
	}
}
