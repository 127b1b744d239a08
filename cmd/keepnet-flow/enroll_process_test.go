//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// cliProcess is the CLI started as a separate process with the test's
// environment plus env.
type cliProcess struct {
	cmd         *exec.Cmd
	out, errOut bytes.Buffer
}

func startCLI(t *testing.T, env []string, args ...string) *cliProcess {
	t.Helper()
	p := &cliProcess{cmd: programCmd(t, env, args...)}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.errOut
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// wait returns the process's exit code.
func (p *cliProcess) wait(t *testing.T) int {
	t.Helper()
	err := p.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode()
}

// requireOneLive fails unless Acme has exactly one live enrollment named
// name, sent exactly once, and no archived one was ever sent.
func requireOneLive(t *testing.T, srv *keepnettest.Server, name string) keepnettest.Enrollment {
	t.Helper()
	var live []keepnettest.Enrollment
	for _, e := range srv.Enrollments() {
		switch {
		case e.CompanyID != keepnettest.CompanyAcmeID || e.Name != name:
		case e.Status == keepnettest.StatusArchived:
			if e.SendCount != 0 {
				t.Errorf("enrollment %s was archived after being sent", e.ID)
			}
		default:
			live = append(live, e)
		}
	}
	if len(live) != 1 || live[0].SendCount != 1 {
		t.Fatalf("live enrollments named %q: %+v; want exactly one, sent once", name, live)
	}
	return live[0]
}

func TestEnrollCommandTwoProcessesAtOnce(t *testing.T) {
	srv := cliFake(t, keepnettest.WithLatency(5*time.Millisecond))
	procs := []*cliProcess{startCLI(t, nil, acmeEnrollArgs...), startCLI(t, nil, acmeEnrollArgs...)}
	var outs []string
	for i, p := range procs {
		if code := p.wait(t); code != 0 {
			t.Fatalf("process %d: exit %d, stderr %q", i, code, p.errOut.String())
		}
		outs = append(outs, p.out.String())
	}
	e := requireOneLive(t, srv, "Q2 Phishing Refresher")
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 1 {
		t.Errorf("%d creates posted, want 1: the second process should wait for the first and find its enrollment", n)
	}
	joined := strings.Join(outs, "\n")
	if !strings.Contains(joined, "created") || !strings.Contains(joined, "already sent") || strings.Count(joined, e.ID) != 2 {
		t.Errorf("outputs, want one created and one already sent, both %s:\n%s", e.ID, joined)
	}
}

// gateCreates forwards requests to the fake, holding creates until n have
// arrived: racing runs then all get past their look-up before any creates.
func gateCreates(t *testing.T, srv *keepnettest.Server, n int) string {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var (
		mu      sync.Mutex
		arrived int
		open    = make(chan struct{})
	)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/enrollments" {
			mu.Lock()
			if arrived++; arrived == n {
				close(open)
			}
			mu.Unlock()
			select {
			case <-open:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

func TestEnrollCommandTwoMachinesAtOnce(t *testing.T) {
	// Two processes with a state directory each stand for two machines:
	// no lock between them, so both create, and the settle step keeps one.
	srv := cliFake(t)
	front := gateCreates(t, srv, 2)
	var procs []*cliProcess
	for range 2 {
		env := []string{keepnet.EnvBaseURL + "=" + front, workflows.EnvStateDir + "=" + t.TempDir()}
		procs = append(procs, startCLI(t, env, append(acmeEnrollArgs, "--format", "json")...))
	}
	actions := map[string]int{}
	var ids []string
	for i, p := range procs {
		if code := p.wait(t); code != 0 {
			t.Fatalf("process %d: exit %d, stderr %q", i, code, p.errOut.String())
		}
		var res struct{ ID, Action, Note string }
		if err := json.Unmarshal(p.out.Bytes(), &res); err != nil {
			t.Fatalf("process %d output is not JSON: %v\n%s", i, err, p.out.String())
		}
		actions[res.Action]++
		ids = append(ids, res.ID)
		if res.Action == "already created by another run" && !strings.Contains(res.Note, "archived") {
			t.Errorf("the losing process's note = %q, want it to say its duplicate was archived", res.Note)
		}
	}
	e := requireOneLive(t, srv, "Q2 Phishing Refresher")
	for i, id := range ids {
		if id != e.ID {
			t.Errorf("process %d reported %s, want the live one, %s", i, id, e.ID)
		}
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 2 {
		t.Fatalf("%d creates posted, want 2: the gate should have made both processes create", n)
	}
	if actions["created"] != 1 || actions["already created by another run"] != 1 {
		t.Errorf("actions %v, want one created and one already created by another run", actions)
	}
}

// commitThenHang forwards requests to the fake, except that it answers no
// create: it forwards it, so the enrollment exists, reports that on
// committed, and holds the client's connection until the client is gone.
func commitThenHang(t *testing.T, srv *keepnettest.Server) (string, <-chan struct{}) {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	committed := make(chan struct{}, 1)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/enrollments" {
			proxy.ServeHTTP(w, r)
			return
		}
		req, err := http.NewRequest(r.Method, srv.URL+r.URL.Path, r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		committed <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(front.Close)
	return front.URL, committed
}

func TestEnrollCommandCrashWithTheLockHeld(t *testing.T) {
	srv := cliFake(t)
	front, committed := commitThenHang(t, srv)
	child := startCLI(t, []string{keepnet.EnvBaseURL + "=" + front}, acmeEnrollArgs...)
	select {
	case <-committed:
	case <-time.After(time.Minute):
		t.Fatalf("the child never created; stderr %q", child.errOut.String())
	}

	locks, err := filepath.Glob(filepath.Join(os.Getenv(workflows.EnvStateDir), "enroll", "*.lock"))
	if err != nil || len(locks) != 1 {
		t.Fatalf("lock files %v (%v), want one", locks, err)
	}
	if held, err := lockHeld(locks[0]); err != nil || !held {
		t.Fatalf("while the child waits on its create, its lock is held: %v (%v), want true", held, err)
	}
	if err := child.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.wait(t)
	if held, err := lockHeld(locks[0]); err != nil || held {
		t.Fatalf("after the child was killed, its lock is held: %v (%v), want false", held, err)
	}

	// The lock file is still there, and so is the record the child wrote
	// before its create; the enrollment exists, Scheduled. A rerun takes
	// the lock, finds it and sends it.
	code, out, errOut := cliRun(acmeEnrollArgs...)
	if code != 0 {
		t.Fatalf("rerun: exit %d, stderr %q", code, errOut)
	}
	e := requireOneLive(t, srv, "Q2 Phishing Refresher")
	if !strings.Contains(out, "resumed") || !strings.Contains(out, e.ID) {
		t.Errorf("rerun output, want %s resumed:\n%s", e.ID, out)
	}
	if records, _ := filepath.Glob(filepath.Join(os.Getenv(workflows.EnvStateDir), "enroll", "*.pending.json")); len(records) != 0 {
		t.Errorf("records %v remain after the enrollment was found", records)
	}
}

// lockHeld reports whether another open file holds the flock on path.
func lockHeld(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	switch err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); {
	case err == nil:
		return false, unix.Flock(int(f.Fd()), unix.LOCK_UN)
	case errors.Is(err, unix.EWOULDBLOCK):
		return true, nil
	default:
		return false, err
	}
}
