package surveyresults_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// TestSurveyResultsShowsThePace: against a hidden rate limit, --debug logs
// each cut of the pace, and the closing line says how many requests were
// throttled and how long the run waited for them.
func TestSurveyResultsShowsThePace(t *testing.T) {
	clitest.Synctest(t, surveyResultsShowsThePace)
}

func surveyResultsShowsThePace(t *testing.T) {
	srv := clitest.FakeInMemory(t, keepnettest.WithUsers(30), keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: 20, Burst: 2}))
	code, out, errOut := runFastRetryVia(srv, clitest.SurveyArgs("--concurrency", "8", "--debug")...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Count(out, "\n") != 30 {
		t.Errorf("%d records written, want 30", strings.Count(out, "\n"))
	}
	refused := srv.Counts().RateLimited
	if refused == 0 {
		t.Fatal("the limit never refused a request: the test proves nothing")
	}
	if !strings.Contains(errOut, "pace lowered after 429s") {
		t.Error("--debug did not log the pace being lowered")
	}
	closing := regexp.MustCompile(`keepnet-flow: 30 users of .*; (\d+) requests throttled \(429\), [0-9.]+m?s spent waiting them out, paced at [0-9.]+ requests/s at the end\n`)
	m := closing.FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("no closing line with the throttling in stderr:\n%s", clitest.LastLines(errOut, 3))
	}
	if m[1] != strconv.Itoa(refused) {
		t.Errorf("closing line says %s throttled, the server refused %d", m[1], refused)
	}
	if strings.Contains(errOut, srv.ClientSecret) {
		t.Error("the client secret appears in stderr")
	}
}

// TestPaceMemoryAcrossRuns: a run under a hidden limit keeps the pace it
// found in the state directory, readable by its owner only; the next run
// starts from it and --debug says so; --no-pace-memory neither uses it nor
// keeps one.
func TestPaceMemoryAcrossRuns(t *testing.T) {
	clitest.Synctest(t, paceMemoryAcrossRuns)
}

func paceMemoryAcrossRuns(t *testing.T) {
	srv := clitest.FakeInMemory(t, keepnettest.WithUsers(120), keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: 40, Burst: 5}))
	code, _, errOut := runFastRetryVia(srv, clitest.SurveyArgs("--concurrency", "8", "--quiet")...)
	if code != 0 {
		t.Fatalf("first run: exit %d, stderr %q", code, errOut)
	}
	if srv.Counts().RateLimited == 0 {
		t.Fatal("the limit never refused a request: the test proves nothing")
	}
	paceDir := filepath.Join(os.Getenv(workflows.EnvStateDir), "pace")
	kept := clitest.DirEntries(t, paceDir)
	if len(kept) != 1 {
		t.Fatalf("pace memory holds %v, want one file", kept)
	}
	info, err := os.Stat(filepath.Join(paceDir, kept[0]))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("pace memory mode %v, want 0600", info.Mode().Perm())
	}
	b, _ := os.ReadFile(filepath.Join(paceDir, kept[0]))
	for _, s := range []string{srv.ClientSecret, srv.ClientID, srv.URL} {
		if strings.Contains(string(b)+kept[0], s) {
			t.Errorf("the pace memory names %q: %s", s, b)
		}
	}

	_, _, errOut = runFastRetryVia(srv, clitest.SurveyArgs("--concurrency", "8", "--debug")...)
	if !strings.Contains(errOut, "pace starts from memory") {
		t.Errorf("the second run's --debug does not say it starts from the memory:\n%s", firstLines(errOut, 5))
	}

	t.Setenv(workflows.EnvStateDir, t.TempDir())
	_, _, errOut = runFastRetryVia(srv, clitest.SurveyArgs("--concurrency", "8", "--debug", "--no-pace-memory")...)
	if strings.Contains(errOut, "pace starts") {
		t.Errorf("--no-pace-memory consulted the memory:\n%s", firstLines(errOut, 5))
	}
	if _, err := os.Stat(filepath.Join(os.Getenv(workflows.EnvStateDir), "pace")); !os.IsNotExist(err) {
		t.Errorf("--no-pace-memory kept a memory: %v", err)
	}
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
