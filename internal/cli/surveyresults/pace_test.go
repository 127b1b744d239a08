package surveyresults_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestSurveyResultsShowsThePace: against a hidden rate limit, --debug logs
// each cut of the pace, and the closing line says how many requests were
// throttled and how long the run waited for them.
func TestSurveyResultsShowsThePace(t *testing.T) {
	srv := clitest.Fake(t, keepnettest.WithUsers(30), keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: 20, Burst: 2}))
	code, out, errOut := runFastRetry(clitest.SurveyArgs("--concurrency", "8", "--debug")...)
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
