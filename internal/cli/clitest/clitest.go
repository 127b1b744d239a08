// Package clitest runs the keepnet-flow CLI in tests as a user would, in
// process, against the spec-validating fake.
package clitest

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/root"
	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Fake starts a spec-validating fake and points the CLI's environment at
// it, with a state directory of the test's own.
func Fake(t *testing.T, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(srv.Close)
	t.Setenv(keepnet.EnvBaseURL, srv.URL)
	t.Setenv(keepnet.EnvClientID, srv.ClientID)
	t.Setenv(keepnet.EnvClientSecret, srv.ClientSecret)
	t.Setenv(workflows.EnvStateDir, t.TempDir()) // never the user's own
	return srv
}

// FakeInMemory is Fake on an in-memory network, for a test in a
// testing/synctest bubble (synctest.Test), where rate limits, Retry-After
// and token lifetimes take the bubble's time, not the machine's. The
// program reaches it only through Via(srv).
func FakeInMemory(t *testing.T, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	return Fake(t, append(opts, keepnettest.WithInMemoryNetwork())...)
}

// Synctest runs f in a testing/synctest bubble, with the process's signal
// watcher started outside it first. The program listens for interrupts,
// and os/signal starts its one watcher goroutine on the first listen of
// the process: started in a bubble, it would belong to the bubble and keep
// it from ever being idle, so its clock would never move.
func Synctest(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	_, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	stop()
	synctest.Test(t, f)
}

// Via is the client option that sends the program's requests to srv over
// srv's own client: for a FakeInMemory server, the only way there.
func Via(srv *keepnettest.Server) keepnet.Option {
	return keepnet.WithHTTPClient(srv.Client())
}

// Run runs the program as main does, on streams that are no terminals, and
// returns its exit code, stdout and stderr.
func Run(args ...string) (code int, stdout, stderr string) {
	return RunWith(nil, args...)
}

// RunWith is Run with client options before any other (a transport that
// breaks one company, a retry policy).
func RunWith(opts []keepnet.Option, args ...string) (code int, stdout, stderr string) {
	ios, _, out, errOut := iostreams.Test()
	code = root.Run(context.Background(), ios, args, opts...)
	return code, out.String(), errOut.String()
}

// RunStreams runs the program on ios, for tests that fake a terminal or
// stdin.
func RunStreams(ctx context.Context, ios *iostreams.IOStreams, args []string, opts ...keepnet.Option) int {
	return root.Run(ctx, ios, args, opts...)
}

// RunOn runs the program with its stdout and stderr on w and errW (a pipe
// the test reads while the command runs, say).
func RunOn(ctx context.Context, args []string, w, errW io.Writer) int {
	return root.Run(ctx, iostreams.New(nil, w, errW), args)
}

// FastRetry retries as the client does by default, without its
// half-second backoff: for tests of faults, where waiting proves nothing.
func FastRetry() keepnet.Option {
	return keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 8, MaxElapsed: 30 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond})
}

// DirEntries names the entries of dir.
func DirEntries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

// MustRead reads a file the test needs.
func MustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// WriteFile writes a file the test needs, mode 0600.
func WriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// HasLineWith reports whether a line of out holds every one of parts.
func HasLineWith(out string, parts ...string) bool {
	for line := range strings.SplitSeq(out, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

// LastLines is the last n lines of s.
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// AcmeSurveyArgs pull the seeded survey of the seeded Acme Manufacturing.
var AcmeSurveyArgs = []string{"survey-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName}

// SurveyArgs are AcmeSurveyArgs and extra.
func SurveyArgs(extra ...string) []string {
	return append(append([]string{}, AcmeSurveyArgs...), extra...)
}

// AcmeEnrollArgs enroll two of Acme Manufacturing's groups in a seeded
// training.
var AcmeEnrollArgs = []string{
	"enroll", "--company", "Acme Manufacturing", "--training", "Phishing Fundamentals",
	"--group", "Finance", "--group", "All Staff", "--name", "Q2 Phishing Refresher",
}

// Writes counts the requests that could have changed the tenant.
func Writes(srv *keepnettest.Server) int {
	return srv.RequestCount(keepnettest.RouteEnrollmentCreate) + srv.RequestCount(keepnettest.RouteEnrollmentSend)
}

// BreakCompany is a transport that answers 503, as a failing gateway
// does, to every request of one company to a path ending in Suffix
// (/users/search when empty); the rest goes to the service.
type BreakCompany struct{ CompanyID, Suffix string }

// RoundTrip implements http.RoundTripper.
func (b BreakCompany) RoundTrip(r *http.Request) (*http.Response, error) {
	suffix := b.Suffix
	if suffix == "" {
		suffix = "/users/search"
	}
	if strings.HasSuffix(r.URL.Path, suffix) && r.Header.Get("X-KEEPNET-Company-Id") == b.CompanyID {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
			Header: http.Header{"Content-Type": {"text/html"}}, Body: http.NoBody, Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}
