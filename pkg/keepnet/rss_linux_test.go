//go:build linux

package keepnet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Peak memory is a property of a whole process, so it is measured in a
// child: the test binary run again for TestRSSProbe alone, which makes the
// requests of one probe and reports its peak resident set (getrusage).

const rssProbeEnv = "KEEPNET_RSS_PROBE"

// probeRSS runs probe in a child process and returns its peak RSS in MB and
// how long the probe's requests took.
func probeRSS(tb testing.TB, probe string) (peakMB float64, took time.Duration) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRSSProbe$", "-test.count=1")
	cmd.Env = append(os.Environ(), rssProbeEnv+"="+probe)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("probe %s: %v\n%s", probe, err, out)
	}
	var kb, ms int64
	i := bytes.Index(out, []byte("RSS-PROBE "))
	if i < 0 {
		tb.Fatalf("probe %s reported nothing:\n%s", probe, out)
	}
	if _, err := fmt.Sscanf(string(out[i:]), "RSS-PROBE peak_kb=%d took_ms=%d", &kb, &ms); err != nil {
		tb.Fatalf("probe %s: %v\n%s", probe, err, out)
	}
	return float64(kb) / 1024, time.Duration(ms) * time.Millisecond
}

// TestRSSProbe is the child's side: it does nothing unless run by probeRSS.
func TestRSSProbe(t *testing.T) {
	probe := os.Getenv(rssProbeEnv)
	if probe == "" {
		t.Skip("run by probeRSS only")
	}
	start := time.Now()
	switch mode, traced := strings.CutSuffix(probe, "-traced"); mode {
	case "plain", "bomb":
		var sent atomic.Int64
		handler := streamBody(oneGiB, &sent)
		if mode == "bomb" {
			body := gzipBomb()
			start = time.Now() // building the bomb is not the client's time
			handler = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(body)
			}
		}
		var opts []Option
		if traced {
			opts = append(opts, WithTrace(&bytes.Buffer{}))
		}
		c, _ := newTestClient(t, newAPIServer(t, handler), opts...)
		if _, err := c.ForCompany("co-1").API().GetEnrollmentsResourceId(t.Context(), "enr-1"); err == nil {
			t.Fatal("a 1 GiB body was accepted")
		}
	case "answers", "answers-unbounded":
		// 32 users' answers of 30 MB each, fetched at once and decoded by
		// the body check, as a survey pull at concurrency 32 would.
		body := []byte(`{"data":[{"answer":"` + strings.Repeat("a", 30<<20) + `"}]}`)
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		})
		opts := []Option{WithMaxResponseBytes(64 << 20)}
		if mode == "answers-unbounded" {
			opts = append(opts, WithMaxBufferedBytes(1<<40))
		}
		c, _ := newTestClient(t, srv, opts...)
		ctx := reqctx.WithBodyCheck(t.Context(), func(b []byte) error {
			var v struct{ Data []struct{ Answer string } }
			return json.Unmarshal(b, &v)
		})
		var wg sync.WaitGroup
		for i := range 32 {
			wg.Go(func() {
				resp, err := c.ForCompany("co-1").API().GetTrainingReportsExamResultSessionsTargetUserResourceId(ctx, "enr-1", fmt.Sprintf("user-%d", i))
				if err != nil {
					t.Error(err)
					return
				}
				_ = resp.Body.Close()
			})
		}
		wg.Wait()
	default:
		t.Fatalf("unknown probe %q", probe)
	}
	took := time.Since(start)
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RSS-PROBE peak_kb=%d took_ms=%d\n", ru.Maxrss, took.Milliseconds())
}

// A 1 GiB body or a 1 GiB gzip bomb costs the process at most 200 MB, with
// or without the trace.
func TestHugeBodiesPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	if raceDetector {
		t.Skip("under the race detector peak RSS measures its shadow memory; make test measures it")
	}
	for _, probe := range []string{"plain", "plain-traced", "bomb", "bomb-traced"} {
		peak, took := probeRSS(t, probe)
		t.Logf("%s: peak RSS %.0f MB, the call took %s", probe, peak, took)
		if peak > 200 {
			t.Errorf("%s: peak RSS %.0f MB, want at most 200 MB", probe, peak)
		}
	}
}

// BenchmarkBigAnswersPeakRSS reports the peak RSS of 32 answers of 30 MB
// each fetched at once, with the default buffer budget and without any.
func BenchmarkBigAnswersPeakRSS(b *testing.B) {
	for _, probe := range []string{"answers", "answers-unbounded"} {
		b.Run(probe, func(b *testing.B) {
			var peak float64
			for b.Loop() {
				peak, _ = probeRSS(b, probe)
			}
			b.ReportMetric(peak, "peak-MB")
		})
	}
}
