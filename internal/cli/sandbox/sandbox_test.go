package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/sandbox"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func TestSandboxServesUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outWriter := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := clitest.RunOn(ctx, []string{"--quiet", "sandbox", "--users", "5"}, outWriter, &stderr)
		outWriter.Close()
		done <- code
	}()

	env := map[string]string{}
	lines := bufio.NewScanner(out)
	for len(env) < 3 && lines.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(lines.Text(), "export "), "=")
		if !ok || !strings.HasPrefix(lines.Text(), "export ") {
			t.Fatalf("unexpected stdout line %q", lines.Text())
		}
		env[name] = strings.Trim(value, "'")
	}
	base, id, secret := env[keepnet.EnvBaseURL], env[keepnet.EnvClientID], env[keepnet.EnvClientSecret]
	if !strings.HasPrefix(base, "http://127.0.0.1:") || id == "" || secret == "" {
		t.Fatalf("exports %v, want a loopback base URL and credentials", env)
	}

	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"api1"}}
	resp, err := http.PostForm(base+"/connect/token", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("token from the sandbox with the printed credentials: status %d", resp.StatusCode)
	}

	go io.Copy(io.Discard, out) // nothing more is expected, but never block the command
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("interrupted sandbox exited %d, stderr %s", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("--quiet sandbox wrote %q to stderr", stderr.String())
	}
}

func TestShellQuote(t *testing.T) {
	cases := map[string]string{
		"http://127.0.0.1:8089": "http://127.0.0.1:8089",
		"plain-id_1":            "plain-id_1",
		"has space":             "'has space'",
		"it's":                  `'it'\''s'`,
		"$(rm -rf /)":           "'$(rm -rf /)'",
	}
	for in, want := range cases {
		if got := sandbox.ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSandboxOptionsNeedSandbox(t *testing.T) {
	for _, flag := range []string{"--sandbox-drift", "--sandbox-unstable"} {
		code, stdout, stderr := clitest.Run(flag, "3", "companies")
		if code != cmdutil.ExitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, flag+" needs --sandbox") {
			t.Errorf("%s alone: exit %d, stdout %q, stderr %q; want exit 2 and one line", flag, code, stdout, stderr)
		}
	}
}

// TestSandboxUnstableIsWholeForTheUser: with the in-process sandbox paging
// in an order that moves, a pull and a listing come whole, each row once:
// what a user sees when trying it for themselves.
func TestSandboxUnstableIsWholeForTheUser(t *testing.T) {
	for _, args := range [][]string{
		{"survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName, "-f", "csv"},
		{"companies", "-f", "csv"},
	} {
		code, stable, errOut := clitest.Run(append([]string{"--sandbox", "--quiet"}, args...)...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		for _, seed := range []string{"1", "2"} {
			code, unstable, errOut := clitest.Run(append([]string{"--sandbox", "--sandbox-unstable", seed, "--quiet"}, args...)...)
			if code != 0 || sortedLines(unstable) != sortedLines(stable) {
				t.Errorf("%q, --sandbox-unstable %s: exit %d (%s); want the same rows as a stable sandbox's", args, seed, code, errOut)
			}
		}
	}
}

func sortedLines(s string) string {
	lines := strings.Split(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// timeZonesFrom fetches the time-zone list from a fake at base.
func timeZonesFrom(t *testing.T, base, id, secret string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"api1"}}
	resp, err := http.PostForm(base+"/connect/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("GET", base+"/api/timezone/timezones", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSandboxCommandDrift(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outWriter := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := clitest.RunOn(ctx, []string{"--quiet", "sandbox", "--users", "5", "--drift", "4"}, outWriter, io.Discard)
		outWriter.Close()
		done <- code
	}()
	env := map[string]string{}
	lines := bufio.NewScanner(out)
	for len(env) < 3 && lines.Scan() {
		name, value, _ := strings.Cut(strings.TrimPrefix(lines.Text(), "export "), "=")
		env[name] = strings.Trim(value, "'")
	}
	go io.Copy(io.Discard, out)
	body := timeZonesFrom(t, env[keepnet.EnvBaseURL], env[keepnet.EnvClientID], env[keepnet.EnvClientSecret])
	if !strings.Contains(body, `"x-drift-`) {
		t.Errorf("sandbox --drift served undrifted JSON: %s", body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("interrupted sandbox exited %d", code)
	}
}

// TestSandboxCommandUnstable: sandbox --unstable serves pages whose order
// moves, and a client pointed at it still lists the companies whole.
func TestSandboxCommandUnstable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outWriter := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := clitest.RunOn(ctx, []string{"--quiet", "sandbox", "--customers", "150", "--unstable", "5"}, outWriter, io.Discard)
		outWriter.Close()
		done <- code
	}()
	env := map[string]string{}
	lines := bufio.NewScanner(out)
	for len(env) < 3 && lines.Scan() {
		name, value, _ := strings.Cut(strings.TrimPrefix(lines.Text(), "export "), "=")
		env[name] = strings.Trim(value, "'")
	}
	go io.Copy(io.Discard, out)
	api, err := keepnet.New(keepnet.WithBaseURL(env[keepnet.EnvBaseURL]), keepnet.WithCredentials(env[keepnet.EnvClientID], env[keepnet.EnvClientSecret]))
	if err != nil {
		t.Fatal(err)
	}
	list, err := workflows.ListCompanies(ctx, api, "")
	if err != nil || len(list) != 153 {
		t.Errorf("companies of an unstable sandbox: %d, %v; want all 153, each once", len(list), err)
	}
	var firstPages []string
	for range 2 {
		var body gen.PostCompaniesSearchJSONRequestBody
		body.PageNumber, body.PageSize, body.OrderBy = 1, 100, "CreateTime"
		body.Filter.Condition, body.Filter.SearchInputTextValue = new("AND"), new("")
		resp, err := api.API().ClientInterface.PostCompaniesSearch(ctx, body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		firstPages = append(firstPages, string(b))
	}
	if firstPages[0] == firstPages[1] {
		t.Error("two reads of the first page came in one order: the sandbox is not unstable")
	}
	seen := map[string]bool{}
	for _, co := range list {
		if seen[co.ID] {
			t.Errorf("%s listed twice", co.ID)
		}
		seen[co.ID] = true
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("interrupted sandbox exited %d", code)
	}
}

func TestSandboxRefusesNonLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", ":8089", "192.0.2.10:8089", "example.com:8089", "localhost.example.com:0", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000"} {
		t.Run(addr, func(t *testing.T) {
			code, out, errOut := clitest.Run("sandbox", "--addr", addr)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout %q: the sandbox printed credentials", out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, addr) {
				t.Errorf("stderr %q, want one line naming %s", errOut, addr)
			}
		})
	}
}

func TestSandboxAcceptsLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:0", "[::1]:0", "localhost:0"} {
		if err := sandbox.CheckLoopback(addr); err != nil {
			t.Errorf("CheckLoopback(%s) = %v", addr, err)
		}
	}
}

func TestSandboxRefusesNegativeCustomers(t *testing.T) {
	code, stdout, stderr := clitest.Run("sandbox", "--customers", "-1")
	if code != cmdutil.ExitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "customers") {
		t.Errorf("--customers -1: exit %d, stdout %q, stderr %q; want exit 2 and one line", code, stdout, stderr)
	}
}
