//go:build linux

package workflows_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Issue 26.7: a pull whose users' answers are 30 MB each, at concurrency 32,
// with the first user stalled, stays within 512 MB: the bodies in flight
// are bounded by the connection layer (keepnet.WithMaxBufferedBytes), the
// records waiting behind the stalled one by the pull's window in bytes
// (internal/pull). Peak memory is a property of a whole process, so the
// pull runs in a child: this test binary again, for TestBigAnswersProbe.

const bigAnswersProbeEnv = "KEEPNET_FLOW_BIG_ANSWERS_PROBE"

// BenchmarkBigAnswersPeakRSS reports the child's peak RSS.
func BenchmarkBigAnswersPeakRSS(b *testing.B) {
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBigAnswersProbe$", "-test.count=1")
		cmd.Env = append(os.Environ(), bigAnswersProbeEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("probe: %v\n%s", err, out)
		}
		var kb, ms, users int64
		i := bytes.Index(out, []byte("BIG-ANSWERS "))
		if i < 0 {
			b.Fatalf("probe reported nothing:\n%s", out)
		}
		if _, err := fmt.Sscanf(string(out[i:]), "BIG-ANSWERS peak_kb=%d took_ms=%d users=%d", &kb, &ms, &users); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(kb)/1024, "peak-MiB")
		b.ReportMetric(float64(ms)/1000, "wall-s")
		b.ReportMetric(float64(users), "users")
	}
}

// TestBigAnswersProbe is the child's side: it does nothing unless run by
// the benchmark.
func TestBigAnswersProbe(t *testing.T) {
	if os.Getenv(bigAnswersProbeEnv) == "" {
		t.Skip("run by BenchmarkBigAnswersPeakRSS only")
	}
	const users = 96
	srv := keepnettest.NewServer(keepnettest.WithUsers(users), keepnettest.WithoutRequestLog(),
		keepnettest.WithBigAnswers(30<<20))
	defer srv.Close()
	first := ""
	for u := range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		first = u.ID
		break
	}
	srv.Close()
	// The first user's answers stall for a while: every other user
	// finishes behind it and waits to be yielded.
	srv = keepnettest.NewServer(keepnettest.WithUsers(users), keepnettest.WithoutRequestLog(),
		keepnettest.WithBigAnswers(30<<20),
		keepnettest.WithStall(keepnettest.Stall{Route: keepnettest.RouteReportExamSessions, Delay: 8 * time.Second, PathContains: first}))
	defer srv.Close()
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	pull, err := workflows.OpenSurveyResults(context.Background(), c, workflows.SurveyRequest{
		Companies: in(keepnettest.CompanyAcmeName), Enrollment: keepnettest.SurveyName, Concurrency: 32})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rec, err := range pull.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Error != "" {
			t.Fatalf("user %s: %s", rec.TargetUserResourceID, rec.Error)
		}
		n++
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("BIG-ANSWERS peak_kb=%d took_ms=%d users=%d\n", ru.Maxrss, time.Since(start).Milliseconds(), n)
}
