package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func TestExitCodeIsDecidedByErrorKind(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"input error", fmt.Errorf("resolving: %w", &workflows.InputError{Field: "company", Value: "Acme", Reason: "matches 2 companies"}), 2},
		{"config error", fmt.Errorf("connecting: %w", &keepnet.ConfigError{Setting: "KEEPNET_CLIENT_ID", Problem: "missing"}), 2},
		{"usage error", &usageError{err: errors.New("unknown flag: --x"), cmd: "keepnet-flow"}, 2},
		{"incomplete", fmt.Errorf("pull: %w", workflows.ErrIncomplete), 3},
		{"api failure", &keepnet.APIError{Method: "POST", Path: "/api/enrollments", StatusCode: 500}, 1},
		{"anything else", errors.New("boom"), 1},
		{"cancelled without a signal", context.Canceled, 1},
		{"SIGINT", &stoppedError{sig: syscall.SIGINT}, 130},
		{"SIGTERM", &stoppedError{sig: syscall.SIGTERM}, 143},
		{"SIGHUP", &stoppedError{sig: syscall.SIGHUP}, 129},
	}
	for _, c := range cases {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}

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
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		msg := stderr.String()
		if code != 2 || !strings.HasPrefix(msg, "keepnet-flow: ") || strings.Count(msg, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line starting \"keepnet-flow: \"", args, code, msg)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: wrote %q to stdout; usage mistakes print no usage text", args, stdout.String())
		}
	}
}

func TestNoArgumentsPrintsHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	for _, want := range []string{"sandbox", "--sandbox", "--debug", "--quiet", "completion"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestSandboxFlagNeedsNoCredentials(t *testing.T) {
	t.Setenv(keepnet.EnvClientID, "")
	t.Setenv(keepnet.EnvClientSecret, "")
	t.Setenv(keepnet.EnvBaseURL, "")
	var trace bytes.Buffer
	a := &app{sandbox: true, debug: true, out: &bytes.Buffer{}, errOut: &trace}
	defer a.close()

	c, err := a.client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var body gen.PostCompaniesSearchJSONRequestBody
	body.PageNumber, body.PageSize, body.OrderBy = 1, 10, "CreateTime"
	cond, text := "AND", ""
	body.Filter.Condition, body.Filter.SearchInputTextValue = &cond, &text
	resp, err := c.API().PostCompaniesSearchWithResponse(context.Background(), body)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, co := range *resp.JSON200.Data.Results {
		found = found || *co.CompanyName == keepnettest.CompanyAcmeName
	}
	if !found {
		t.Errorf("sandbox companies lack %q: %s", keepnettest.CompanyAcmeName, resp.Body)
	}
	if again, _ := a.client(context.Background()); again != c {
		t.Error("client() built a second client in one run")
	}
	if trace.Len() == 0 {
		t.Error("--debug wrote no trace")
	}
	if strings.Contains(trace.String(), a.fake.ClientSecret) {
		t.Error("--debug trace shows the client secret")
	}
}

func TestMissingCredentialsAreAConfigError(t *testing.T) {
	t.Setenv(keepnet.EnvClientID, "")
	t.Setenv(keepnet.EnvClientSecret, "")
	a := &app{out: &bytes.Buffer{}, errOut: &bytes.Buffer{}}
	defer a.close()
	_, err := a.client(context.Background())
	var cfg *keepnet.ConfigError
	if !errors.As(err, &cfg) || exitCode(err) != 2 {
		t.Errorf("client() without credentials: %v (exit %d), want a ConfigError and exit 2", err, exitCode(err))
	}
}

// TestHintsAreTheCLIs: the library names no command or variable; the CLI
// adds where to look.
func TestHintsAreTheCLIs(t *testing.T) {
	code, _, stderr := cliRun("--quiet", "--sandbox", "survey-results", "--company", "No Such Company", "--enrollment", "x")
	if code != exitUsage || !strings.Contains(stderr, "('keepnet-flow companies' lists them)") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("unknown company: exit %d, stderr %q", code, stderr)
	}
	if got := hint(fmt.Errorf("token: %w", keepnet.ErrCredentialsRejected)); !strings.Contains(got, keepnet.EnvClientSecret) || !strings.Contains(got, "--client-secret-file") {
		t.Errorf("hint for rejected credentials = %q", got)
	}
	if strings.Contains(keepnet.ErrCredentialsRejected.Error(), "KEEPNET_") {
		t.Errorf("the library's error %q names environment variables", keepnet.ErrCredentialsRejected)
	}
}

// TestVersion: `version` and `--version` print the same line; the JSON
// form carries the fields.
func TestVersion(t *testing.T) {
	code, viaCmd, errOut := cliRun("version")
	if code != 0 || !strings.HasPrefix(viaCmd, "keepnet-flow ") || strings.Count(viaCmd, "\n") != 1 {
		t.Fatalf("version: exit %d, stdout %q, stderr %q", code, viaCmd, errOut)
	}
	if code, viaFlag, _ := cliRun("--version"); code != 0 || viaFlag != viaCmd {
		t.Errorf("--version: exit %d, %q; want %q", code, viaFlag, viaCmd)
	}
	code, out, _ := cliRun("version", "-f", "json")
	var b keepnet.BuildInfo
	if err := json.Unmarshal([]byte(out), &b); code != 0 || err != nil || b.Version == "" || b.GoVersion == "" {
		t.Errorf("version -f json: exit %d, %q (%v)", code, out, err)
	}
}

func TestVersionLine(t *testing.T) {
	for _, tc := range []struct {
		b    keepnet.BuildInfo
		want string
	}{
		{keepnet.BuildInfo{Version: "dev"}, "keepnet-flow dev"},
		{keepnet.BuildInfo{Version: "v1.2.3", Commit: "0123456789abcdef0123", Date: "2026-04-01T09:00:00Z", GoVersion: "go1.26.0"},
			"keepnet-flow v1.2.3 (commit 0123456789ab, built 2026-04-01T09:00:00Z, go1.26.0)"},
		{keepnet.BuildInfo{Version: "dev", Commit: "0123456789abcdef0123", Modified: true},
			"keepnet-flow dev (commit 0123456789ab+modified)"},
	} {
		if got := versionLine(tc.b); got != tc.want {
			t.Errorf("versionLine(%+v) = %q, want %q", tc.b, got, tc.want)
		}
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
			code, out, errOut := cliRun("companies")
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
