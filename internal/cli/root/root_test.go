package root_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

func TestUsageMistakesExit2WithOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"no-such-command"},
		{"--no-such-flag"},
		{"sandbox", "unexpected-arg"},
		{"sandbox", "--users", "many"},
		{"sandbox", "--users", "-5"},
		{"sandbox", "--token-ttl", "0s"},
		{"sandbox", "--latency", "-1s"},
	} {
		code, stdout, msg := clitest.Run(args...)
		if code != 2 || !strings.HasPrefix(msg, "keepnet-flow: ") || strings.Count(msg, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line starting \"keepnet-flow: \"", args, code, msg)
		}
		if stdout != "" {
			t.Errorf("%q: wrote %q to stdout; usage mistakes print no usage text", args, stdout)
		}
	}
}

func TestNoArgumentsPrintsHelp(t *testing.T) {
	code, stdout, stderr := clitest.Run()
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"sandbox", "--sandbox", "--debug", "--quiet", "completion"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestHintsAreTheCLIs: the library names no command or variable; the CLI
// adds where to look.
func TestHintsAreTheCLIs(t *testing.T) {
	code, _, stderr := clitest.Run("--quiet", "--sandbox", "survey-results", "--company", "No Such Company", "--enrollment", "x")
	if code != cmdutil.ExitUsage || !strings.Contains(stderr, "('keepnet-flow companies' lists them)") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("unknown company: exit %d, stderr %q", code, stderr)
	}
	if got := cmdutil.Hint(fmt.Errorf("token: %w", keepnet.ErrCredentialsRejected)); !strings.Contains(got, keepnet.EnvClientSecret) || !strings.Contains(got, "--client-secret-file") {
		t.Errorf("hint for rejected credentials = %q", got)
	}
	if strings.Contains(keepnet.ErrCredentialsRejected.Error(), "KEEPNET_") {
		t.Errorf("the library's error %q names environment variables", keepnet.ErrCredentialsRejected)
	}
}

// TestVersion: `version` and `--version` print the same line; the JSON
// form carries the fields.
func TestVersion(t *testing.T) {
	code, viaCmd, errOut := clitest.Run("version")
	if code != 0 || !strings.HasPrefix(viaCmd, "keepnet-flow ") || strings.Count(viaCmd, "\n") != 1 {
		t.Fatalf("version: exit %d, stdout %q, stderr %q", code, viaCmd, errOut)
	}
	if code, viaFlag, _ := clitest.Run("--version"); code != 0 || viaFlag != viaCmd {
		t.Errorf("--version: exit %d, %q; want %q", code, viaFlag, viaCmd)
	}
	code, out, _ := clitest.Run("version", "-f", "json")
	var b keepnet.BuildInfo
	if err := json.Unmarshal([]byte(out), &b); code != 0 || err != nil || b.Version == "" || b.GoVersion == "" {
		t.Errorf("version -f json: exit %d, %q (%v)", code, out, err)
	}
}

// TestMissingCredentials: a first run without credentials learns, in one
// line, every variable to set and that --sandbox needs none.
func TestMissingCredentials(t *testing.T) {
	for _, tc := range []struct {
		name    string
		id      string
		secret  string
		want    []string
		wantNot string
	}{
		{"both", "", "", []string{keepnet.EnvClientID + " and " + keepnet.EnvClientSecret, "--sandbox"}, ""},
		{"the secret", "some-id", "", []string{keepnet.EnvClientSecret, "--sandbox"}, keepnet.EnvClientID},
		{"the ID", "", "some-secret", []string{keepnet.EnvClientID, "--sandbox"}, keepnet.EnvClientSecret},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(keepnet.EnvClientID, tc.id)
			t.Setenv(keepnet.EnvClientSecret, tc.secret)
			code, out, errOut := clitest.Run("companies")
			if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and one line", code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if tc.wantNot != "" && strings.Contains(errOut, tc.wantNot) {
				t.Errorf("stderr %q names %q, which is set", errOut, tc.wantNot)
			}
		})
	}
}
