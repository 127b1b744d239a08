package workflows_test

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The benchmarks measure the survey pull against the fake; `make bench`
// runs them once each (-benchtime 1x) and docs/benchmarks.md records the
// figures. Spec validation and the fake's request log are off here: they
// cost the fake CPU and memory per request and would slow the large runs;
// the tests run the same flow with validation on.

const (
	benchLatency     = 40 * time.Millisecond
	benchConcurrency = 16
	// benchUsers is small enough for the sequential baseline (two requests
	// a user, 40 ms each: about 20 s) and large enough to cross pages.
	benchUsers = 240
	// cliUsers and cliUsersTiny are the survey sizes the CLI's CPU per
	// user is measured at, with the same latency: about 5 and 0.5 seconds.
	// The difference between the two is the cost of each further user,
	// without the fixed cost of starting the process and resolving names.
	cliUsers     = 1_000
	cliUsersTiny = 20
	// cpuRepeats is how many times each CPU measurement is repeated; the
	// median is reported, as CPU time on a shared VM varies by ±10% or more.
	cpuRepeats = 3
	// rssUsers is the survey size the CLI's peak RSS is measured at, and
	// smallUsers the baseline that shows whether memory grows with it.
	rssUsers   = 20_000
	smallUsers = 2_000
)

// serverTime sums the time requests spend between leaving and coming back:
// the server's share of a pull, which 16 slots can at best divide by 16.
type serverTime struct {
	base     http.RoundTripper
	total    atomic.Int64
	requests atomic.Int64
	// listing counts users/search pages: what verifying the listing
	// could add to a pull.
	listing atomic.Int64
}

func (s *serverTime) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := s.base.RoundTrip(r)
	s.total.Add(int64(time.Since(start)))
	s.requests.Add(1)
	if strings.HasSuffix(r.URL.Path, "/users/search") {
		s.listing.Add(1)
	}
	return resp, err
}

// pullTarget is a running fake to pull from.
type pullTarget struct{ url, clientID, clientSecret string }

// pullResult is what one timed pull measured.
type pullResult struct {
	wall, server, cpu time.Duration
	requests, listing int64
	userIDs           []string
}

// timedPull pulls the benchmark survey with the given concurrency and
// measures the wall time, the summed server time and this process's CPU
// time (the client's alone when the fake runs in another process).
func timedPull(b *testing.B, target pullTarget, concurrency int) pullResult {
	b.Helper()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = concurrency + 1
	st := &serverTime{base: transport}
	c, err := keepnet.New(keepnet.WithBaseURL(target.url), keepnet.WithCredentials(target.clientID, target.clientSecret), keepnet.WithTransport(st))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	cpuBefore := processCPU(b)
	start := time.Now()
	pull, err := openSurvey(ctx, c, workflows.SurveyRequest{
		Companies: in(keepnettest.CompanyAcmeName), Enrollment: keepnettest.SurveyName, Concurrency: concurrency,
	})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for u, err := range pull.Users(ctx) {
		if err != nil {
			b.Fatal(err)
		}
		if u.Error != "" {
			b.Fatalf("user %s: %s", u.TargetUserResourceID, u.Error)
		}
		ids = append(ids, u.TargetUserResourceID)
	}
	wall := time.Since(start)
	if len(ids) != benchUsers {
		b.Fatalf("%d users pulled, want %d", len(ids), benchUsers)
	}
	return pullResult{wall: wall, server: time.Duration(st.total.Load()), cpu: processCPU(b) - cpuBefore, requests: st.requests.Load(), listing: st.listing.Load(), userIDs: ids}
}

// bareFetch is the CPU floor of a pull: the same two requests per user,
// sixteen at a time, with plain net/http and a fixed token, bodies read and
// dropped. No client does less for the same requests, so the pull's CPU is
// reported against it.
func bareFetch(b *testing.B, target pullTarget, userIDs []string) time.Duration {
	b.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {target.clientID}, "client_secret": {target.clientSecret}, "scope": {"api1"}}
	resp, err := http.PostForm(target.url+"/connect/token", form)
	if err != nil {
		b.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		b.Fatalf("token: %v", err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = benchConcurrency + 1
	hc := &http.Client{Transport: transport}
	paths := make(chan string)
	var wg sync.WaitGroup
	cpuBefore := processCPU(b)
	for range benchConcurrency {
		wg.Go(func() {
			for p := range paths {
				req, _ := http.NewRequest(http.MethodGet, target.url+p, nil)
				req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
				req.Header.Set("X-KEEPNET-Company-Id", keepnettest.CompanyAcmeID)
				req.Header.Set("x-ir-company-id", keepnettest.CompanyAcmeID)
				resp, err := hc.Do(req)
				if err != nil {
					b.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body) // draining is the measured work
				resp.Body.Close()
			}
		})
	}
	for _, id := range userIDs {
		paths <- "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID + "/interactions/" + id + "?trainingType=0"
		paths <- "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID + "/exam-result-sessions/" + id
	}
	close(paths)
	wg.Wait()
	return processCPU(b) - cpuBefore
}

// processCPU is the user and system CPU time of this process so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSurveyPull pulls one survey from a 40 ms server twice in the
// same run: sequentially (concurrency 1, the baseline) and with 16 requests
// in flight. It reports throughput, the speed-up over the baseline, how
// close the concurrent pull comes to the ideal (the summed server time of
// its requests divided by 16; the target is at most 1.3), and the client's
// CPU per user against the bare-HTTP floor, in process and for the CLI.
// The fakes run in child processes (the CLI's sandbox command) so that
// this process's CPU time is the client's alone.
func BenchmarkSurveyPull(b *testing.B) {
	bin := buildCLI(b)
	target := startSandbox(b, bin, benchUsers, benchLatency)
	cliTarget := startSandbox(b, bin, cliUsers, benchLatency)
	cliTargetTiny := startSandbox(b, bin, cliUsersTiny, benchLatency)
	for range b.N {
		seq := timedPull(b, target, 1)
		par := timedPull(b, target, benchConcurrency)
		// CPU figures are medians of cpuRepeats runs: a single run on the
		// shared VM was now and then several times the others.
		parCPU := median(cpuRepeats, func() time.Duration { return timedPull(b, target, benchConcurrency).cpu })
		floor := median(cpuRepeats, func() time.Duration { return bareFetch(b, target, par.userIDs) })
		// The CLI runs Go code on one thread (see tuneRuntimeForPull in
		// cmd/keepnet-flow), which costs less CPU per request than two;
		// its floor is the bare client on one thread too.
		prev := runtime.GOMAXPROCS(1)
		floor1 := median(cpuRepeats, func() time.Duration { return bareFetch(b, target, par.userIDs) })
		runtime.GOMAXPROCS(prev)
		ideal := par.server / benchConcurrency
		b.ReportMetric(0, "ns/op") // one pull is not an op worth timing; the metrics below are
		b.ReportMetric(float64(benchUsers)/par.wall.Seconds(), "users/s")
		b.ReportMetric(float64(benchUsers)/seq.wall.Seconds(), "seq-users/s")
		b.ReportMetric(seq.wall.Seconds()/par.wall.Seconds(), "x-vs-sequential")
		b.ReportMetric(par.wall.Seconds()/ideal.Seconds(), "ratio-vs-ideal")
		b.ReportMetric(float64(par.requests), "requests")
		// Issue 19: a stable service's listing is read once, its pages and
		// the empty one after a full last page: any page beyond that is
		// what verifying the listing added, as a share of the pull.
		pages := int64(benchUsers/100 + 1)
		b.ReportMetric(100*float64(par.listing-pages)/float64(par.requests), "verify-extra-requests-%")
		b.ReportMetric(float64(parCPU.Microseconds())/1000/benchUsers, "cpu-ms/user")
		b.ReportMetric(float64(floor.Microseconds())/1000/benchUsers, "bare-http-cpu-ms/user")
		b.ReportMetric(parCPU.Seconds()/floor.Seconds(), "cpu-vs-bare-http")
		floor1MsPerUser := float64(floor1.Microseconds()) / 1000 / benchUsers
		b.ReportMetric(floor1MsPerUser, "bare-http-1thread-cpu-ms/user")

		// The CLI's CPU per user at 40 ms: all of its CPU time over the
		// users, and the cost of each further user (against the tiny
		// survey).
		cliMs := medianCLICPU(b, bin, cliTarget, cliUsers)
		tinyMs := medianCLICPU(b, bin, cliTargetTiny, cliUsersTiny)
		marginal := (cliMs - tinyMs) / (cliUsers - cliUsersTiny)
		b.ReportMetric(cliMs/cliUsers, "cli-cpu-ms/user")
		b.ReportMetric(marginal, "cli-cpu-ms/further-user")
		b.ReportMetric(marginal/floor1MsPerUser, "cli-further-user-vs-bare-http")
	}
}

// medianCLICPU runs the CLI against target cpuRepeats times and returns the
// median of its CPU times, in milliseconds.
func medianCLICPU(b *testing.B, bin string, target pullTarget, users int) float64 {
	b.Helper()
	return median(cpuRepeats, func() float64 { return runCLIAgainst(b, bin, target, users, "ndjson").cpuMs })
}

// median runs measure n times and returns the median result.
func median[T cmp.Ordered](n int, measure func() T) T {
	runs := make([]T, n)
	for i := range runs {
		runs[i] = measure()
	}
	slices.Sort(runs)
	return runs[n/2]
}

// startSandbox runs `keepnet-flow sandbox` serving a survey of users with
// the given latency, until the benchmark ends.
func startSandbox(b *testing.B, bin string, users int, latency time.Duration, extra ...string) pullTarget {
	b.Helper()
	cmd := exec.Command(bin, append([]string{"--quiet", "sandbox", "--users", strconv.Itoa(users), "--latency", latency.String()}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt) // it may have gone already; Wait tells
		_ = cmd.Wait()                       // an interrupted sandbox exits non-zero by design
	})
	env := map[string]string{}
	lines := bufio.NewScanner(stdout)
	for len(env) < 3 && lines.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(lines.Text(), "export "), "=")
		if ok {
			env[k] = strings.Trim(v, "'")
		}
	}
	target := pullTarget{url: env[keepnet.EnvBaseURL], clientID: env[keepnet.EnvClientID], clientSecret: env[keepnet.EnvClientSecret]}
	if target.url == "" || target.clientID == "" {
		b.Fatalf("sandbox printed no environment: %v", env)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }() // keep the pipe drained
	return target
}

// BenchmarkSurveyCLIPeakRSS builds the CLI, serves a 20,000-user survey from
// the fake in this process, and runs the CLI as a child process writing
// ndjson and csv to a file: the child's peak RSS (ru_maxrss) is the CLI's
// memory, and its CPU time the client's CPU alone. A 2,000-user ndjson run
// shows whether memory grows with the survey.
func BenchmarkSurveyCLIPeakRSS(b *testing.B) {
	bin := buildCLI(b)
	for range b.N {
		small := runCLI(b, bin, smallUsers, "ndjson")
		b.ReportMetric(small.rssMiB, "MiB-rss-ndjson-2k")
		for _, format := range []string{"ndjson", "csv"} {
			r := runCLI(b, bin, rssUsers, format)
			b.ReportMetric(r.rssMiB, "MiB-rss-"+format+"-20k")
			b.ReportMetric(r.cpuMs/rssUsers, "cpu-ms/user-"+format)
			if format == "ndjson" {
				b.ReportMetric(r.rssMiB/small.rssMiB, "rss-20k/2k")
				b.ReportMetric((r.cpuMs-small.cpuMs)/(rssUsers-smallUsers), "cpu-ms/further-user-ndjson")
			}
		}
	}
}

// buildCLI compiles cmd/keepnet-flow into a temporary directory.
func buildCLI(b *testing.B) string {
	b.Helper()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		b.Fatalf("locate module root: %v", err)
	}
	bin := filepath.Join(b.TempDir(), "keepnet-flow")
	build := exec.Command("go", "build", "-o", bin, "./cmd/keepnet-flow")
	build.Dir = strings.TrimSpace(string(root))
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build CLI: %v\n%s", err, out)
	}
	return bin
}

type cliRun struct {
	rssMiB float64
	cpuMs  float64 // user and system CPU time of the whole run
	lines  int     // of the output
}

// runCLI pulls a survey of users, served by the fake in this process
// without latency, through the CLI binary into a file.
func runCLI(b *testing.B, bin string, users int, format string) cliRun {
	b.Helper()
	srv := keepnettest.NewServer(keepnettest.WithUsers(users), keepnettest.WithoutRequestLog())
	defer srv.Close()
	return runCLIAgainst(b, bin, pullTarget{url: srv.URL, clientID: srv.ClientID, clientSecret: srv.ClientSecret}, users, format)
}

// runCLIAgainst runs the CLI binary as a child process against target and
// reads its peak RSS and CPU time.
func runCLIAgainst(b *testing.B, bin string, target pullTarget, users int, format string) cliRun {
	b.Helper()
	return runCLIPull(b, bin, target, fmt.Sprintf("%s with %d users", format, users), format,
		"survey-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName)
}

// runCLIPull runs the CLI binary's pull args as a child process against
// target, writing format to a file, and reads its peak RSS and CPU time;
// what names the run in failures.
func runCLIPull(b *testing.B, bin string, target pullTarget, what, format string, args ...string) cliRun {
	b.Helper()
	out := filepath.Join(b.TempDir(), "results."+format)
	cmd := exec.Command(bin, append(append([]string{"--quiet"}, args...),
		"--format", format, "--concurrency", strconv.Itoa(benchConcurrency), "-o", out)...)
	cmd.Env = append(os.Environ(),
		keepnet.EnvBaseURL+"="+target.url,
		keepnet.EnvClientID+"="+target.clientID,
		keepnet.EnvClientSecret+"="+target.clientSecret,
	)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", what, err, msg)
	}
	lines, err := countLines(out)
	if err != nil || lines == 0 {
		b.Fatalf("%s: no output (%v)", what, err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage for child processes on this platform")
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return cliRun{
		rssMiB: float64(ru.Maxrss) / 1024, // Linux reports KiB
		cpuMs:  float64(cpu.Microseconds()) / 1000,
		lines:  lines,
	}
}

// countLines counts the lines of the file at path, reading it in small
// pieces: a child's peak RSS starts at this process's (the child is
// forked from it), so this process must not grow to read an output.
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 64<<10)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// benchCustomers added to the seeded world give 14 companies with the
// survey (Acme, Globex and 12 of the 13 customers: every seventh has none),
// of different sizes, 10 to 240 users.
const benchCustomers = 13

// BenchmarkSurveysAcrossCompanies pulls the survey from every company of a
// 14-company world with 40 ms latency and 16 requests in flight, and
// reports the wall time against the ideal (summed server time ÷ 16). The
// companies share one pool of 16, so one that runs out of users leaves its
// share to the others; a pull one company after another would pay each
// company's ramp-up and tail instead. The target is 1.4× the ideal.
func BenchmarkSurveysAcrossCompanies(b *testing.B) {
	bin := buildCLI(b)
	target := startSandbox(b, bin, benchUsers, benchLatency, "--customers", strconv.Itoa(benchCustomers))
	for range b.N {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = benchConcurrency + 1
		st := &serverTime{base: transport}
		// As the CLI does: the client's in-flight bound is the pull's.
		c, err := keepnet.New(keepnet.WithBaseURL(target.url), keepnet.WithCredentials(target.clientID, target.clientSecret),
			keepnet.WithTransport(st), keepnet.WithMaxInFlight(benchConcurrency))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		start := time.Now()
		pull, err := workflows.OpenSurveyResults(ctx, c, workflows.SurveyRequest{
			Companies: workflows.CompanySelection{All: true}, Enrollment: keepnettest.SurveyName, Concurrency: benchConcurrency,
		})
		if err != nil {
			b.Fatal(err)
		}
		if len(pull.Sources) != 14 {
			b.Fatalf("%d companies with the survey, want 14", len(pull.Sources))
		}
		users := 0
		for r, err := range pull.Records(ctx) {
			if err != nil {
				b.Fatal(err)
			}
			if r.Error != "" {
				b.Fatalf("user %s of %s: %s", r.TargetUserResourceID, r.CompanyID, r.Error)
			}
			users++
		}
		wall := time.Since(start)
		ideal := time.Duration(st.total.Load()) / benchConcurrency
		b.ReportMetric(0, "ns/op") // as in BenchmarkSurveyPull
		b.ReportMetric(float64(len(pull.Sources)), "companies")
		b.ReportMetric(float64(users), "users")
		b.ReportMetric(float64(st.requests.Load()), "requests")
		b.ReportMetric(float64(users)/wall.Seconds(), "users/s")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(ideal.Seconds(), "ideal-s")
		b.ReportMetric(wall.Seconds()/ideal.Seconds(), "ratio-vs-ideal")

		// The baseline: the same companies one after another, each with
		// all 16 slots, as a shell loop over single-company pulls would.
		start = time.Now()
		for _, s := range pull.Sources {
			one, err := openSurvey(ctx, c, workflows.SurveyRequest{Companies: in(s.Company.ID), Enrollment: s.ID, Concurrency: benchConcurrency})
			if err != nil {
				b.Fatal(err)
			}
			for _, err := range one.Users(ctx) {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(time.Since(start).Seconds()/wall.Seconds(), "x-vs-one-after-another")
	}
}
