package surveyresults_test

import (
	"context"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestProgressBarOnATerminal: with stderr a terminal, the pull draws its
// bar there, clears it, and ends with the summary line; stdout holds the
// same records as without a terminal. --quiet draws nothing.
func TestProgressBarOnATerminal(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(40))
	_, plain, _ := clitest.Run(clitest.AcmeSurveyArgs...)
	for _, tc := range []struct {
		name  string
		quiet bool
	}{{"terminal", false}, {"terminal, --quiet", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.SetStderrTTY(true)
			args := clitest.SurveyArgs()
			if tc.quiet {
				args = append([]string{"--quiet"}, args...)
			}
			if code := clitest.RunStreams(context.Background(), ios, args); code != 0 {
				t.Fatalf("exit %d: %q", code, errOut)
			}
			if out.String() != plain {
				t.Error("the records differ when stderr is a terminal")
			}
			stderr := errOut.String()
			switch {
			case tc.quiet && stderr != "":
				t.Errorf("--quiet wrote %q", stderr)
			case !tc.quiet && (!strings.Contains(stderr, "\r") || !strings.Contains(stderr, "users")):
				t.Errorf("no progress bar drawn on the terminal: %q", stderr)
			case !tc.quiet && !strings.HasSuffix(stderr, "40 users of \""+keepnettest.SurveyName+"\" ("+keepnettest.CompanyAcmeName+") written to stdout\n"):
				t.Errorf("stderr does not end with the summary: %q", clitest.LastLines(stderr, 1))
			}
		})
	}
}
