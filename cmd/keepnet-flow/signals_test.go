package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// stallingAPI puts a proxy before a spec-validating fake that lets the
// first answers through and then holds every exam-result-sessions request
// (or those of another path, newStallingAPIOn) until its client goes
// away: a pull that stops mid-run, at a point the test can wait for
// instead of guessing a delay.
type stallingAPI struct {
	URL     string
	fake    *keepnettest.Server
	stalled chan struct{} // closed when the first request is held
}

func newStallingAPI(t *testing.T, users, passBeforeStall int) *stallingAPI {
	t.Helper()
	return newStallingAPIOn(t, "/exam-result-sessions/", passBeforeStall, keepnettest.WithUsers(users))
}

// newStallingAPIOn is a stallingAPI that holds the requests whose path
// holds stallOn, of a fake made with opts.
func newStallingAPIOn(t *testing.T, stallOn string, passBeforeStall int, opts ...keepnettest.Option) *stallingAPI {
	t.Helper()
	fake := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(fake.Close)
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	s := &stallingAPI{fake: fake, stalled: make(chan struct{})}
	var (
		passed atomic.Int64
		once   sync.Once
	)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if passBeforeStall >= 0 && strings.Contains(r.URL.Path, stallOn) && passed.Add(1) > int64(passBeforeStall) {
			once.Do(func() { close(s.stalled) })
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	s.URL = srv.URL
	return s
}

func (s *stallingAPI) env(tmp string) []string {
	return []string{
		keepnet.EnvBaseURL + "=" + s.URL,
		keepnet.EnvClientID + "=" + s.fake.ClientID,
		keepnet.EnvClientSecret + "=" + s.fake.ClientSecret,
		"TMPDIR=" + tmp,
	}
}

// waitFor fails the test if ch is not closed in a generous time: a guard
// against hanging, not a measurement.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(2 * time.Minute):
		t.Fatalf("gave up waiting: %s", what)
	}
}

// TestSignalsLeaveNothingBehind stops a pull half-way with each signal and
// checks the exit code, the line saying how far it got, and that neither
// the output directory nor TMPDIR holds anything: no partial output, no
// spool of names and answers.
func TestSignalsLeaveNothingBehind(t *testing.T) {
	tests := []struct {
		name     string
		sig      syscall.Signal
		format   string
		toStdout bool // else -o a file in the output directory
		wantCode int  // -1: killed, no exit code
		wantLine string
	}{
		{"SIGINT, csv to a file", syscall.SIGINT, "csv", false, 130, "stopped by SIGINT after"},
		{"SIGTERM, csv-wide to a file", syscall.SIGTERM, "csv-wide", false, 143, "stopped by SIGTERM after"},
		{"SIGHUP, csv-wide to stdout (spool in TMPDIR)", syscall.SIGHUP, "csv-wide", true, 129, "stopped by SIGHUP after"},
		{"SIGKILL, csv-wide to a file", syscall.SIGKILL, "csv-wide", false, -1, ""},
		{"SIGKILL, csv-wide to stdout", syscall.SIGKILL, "csv-wide", true, -1, ""},
		{"SIGKILL, ndjson to a file", syscall.SIGKILL, "ndjson", false, -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newStallingAPI(t, 60, 20)
			outDir, tmp := t.TempDir(), t.TempDir()
			args := surveyArgs("--format", tt.format)
			if !tt.toStdout {
				args = append(args, "-o", filepath.Join(outDir, "results.csv"))
			}
			cmd := programCmd(t, api.env(tmp), args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, api.stalled, "the pull to reach the stalled requests")
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			if code != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d; stderr:\n%s", code, err, tt.wantCode, stderr.String())
			}
			if tt.wantLine != "" {
				lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
				last := lines[len(lines)-1]
				if !strings.Contains(last, tt.wantLine) {
					t.Errorf("last stderr line %q, want it to say %q", last, tt.wantLine)
				}
				want := "no output file was written"
				if tt.toStdout {
					want = "nothing was written to stdout"
				}
				if !strings.Contains(last, want) {
					t.Errorf("last stderr line %q, want it to say %q", last, want)
				}
				if leaked := leakedIn(stderr.String()+stdout.String(), api.fake.ClientSecret); leaked {
					t.Error("the client secret was printed")
				}
			}
			if names := dirEntries(t, outDir); len(names) != 0 {
				t.Errorf("output directory holds %v", names)
			}
			if names := dirEntries(t, tmp); len(names) != 0 {
				t.Errorf("TMPDIR holds %v", names)
			}
		})
	}
}

// TestClosedPipeLeavesNoSpool is csv-wide piped into a reader that goes
// away (head, a crashed consumer): the spool of every user's record must
// not stay in TMPDIR.
func TestClosedPipeLeavesNoSpool(t *testing.T) {
	api := newStallingAPI(t, 40, -1)
	tmp := t.TempDir()
	cmd := programCmd(t, api.env(tmp), surveyArgs("--format", "csv-wide")...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := stdout.Close(); err != nil { // the reader is gone before the first row
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("writing to a closed pipe succeeded: %v; stderr:\n%s", err, stderr.String())
	}
	if names := dirEntries(t, tmp); len(names) != 0 {
		t.Errorf("TMPDIR holds %v after the pipe closed", names)
	}
}

func leakedIn(s, secret string) bool { return secret != "" && strings.Contains(s, secret) }

// TestSignalAcrossCompaniesSaysHowFarPlainly: a pull across companies
// stopped half-way says, in plain words, how many users it had written of
// how many, and of how many companies.
func TestSignalAcrossCompaniesSaysHowFarPlainly(t *testing.T) {
	api := newStallingAPI(t, 60, 20)
	out := filepath.Join(t.TempDir(), "all.ndjson")
	cmd := programCmd(t, api.env(t.TempDir()), "survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName, "-o", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, api.stalled, "the pull to reach the stalled requests")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d, want 130; stderr:\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	plain := regexp.MustCompile(`^keepnet-flow: stopped by SIGINT after writing \d+ (of the \d+ )?users of 2 companies; no output file was written$`)
	if !plain.MatchString(last) {
		t.Errorf("last line %q, want it to match %s", last, plain)
	}
}

// TestSignalStopsTheResultsPulls: training-results and phishing-results
// stopped half-way say how far they got, across companies, and leave no
// output, as survey-results does (the run is the same).
func TestSignalStopsTheResultsPulls(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stallOn string
		args    []string
	}{
		// Training records need no request per user: the stall is on
		// the users pages after the first two (each enrollment's users
		// fit one page here).
		{"training", "/users/search", []string{"training-results", "--all-companies", "--since", "2025-10-01"}},
		{"phishing", "/search-email-opened/", []string{"phishing-results", "--all-companies", "--since", "2025-11-01", "--events"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newStallingAPIOn(t, tc.stallOn, 2)
			outDir := t.TempDir()
			cmd := programCmd(t, api.env(t.TempDir()), append(tc.args, "-o", filepath.Join(outDir, "out.ndjson"))...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, api.stalled, "the pull to reach the stalled requests")
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != 143 {
				t.Fatalf("exit %d, want 143; stderr:\n%s", code, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			plain := regexp.MustCompile(`^keepnet-flow: stopped by SIGTERM after writing \d+ (of the \d+ )?users of \d companies; no output file was written$`)
			if !plain.MatchString(last) {
				t.Errorf("last line %q, want it to match %s", last, plain)
			}
			if names := dirEntries(t, outDir); len(names) != 0 {
				t.Errorf("output directory holds %v", names)
			}
		})
	}
}
