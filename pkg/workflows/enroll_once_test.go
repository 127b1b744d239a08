package workflows_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// requireOneLive fails unless company has exactly one live (not archived)
// enrollment with this name, sent exactly once, and every archived one was
// never sent. It returns the live one.
func requireOneLive(t *testing.T, srv *keepnettest.Server, companyID, name string) keepnettest.Enrollment {
	t.Helper()
	var live []keepnettest.Enrollment
	for _, e := range named(srv, companyID, name) {
		if e.Status != keepnettest.StatusArchived {
			live = append(live, e)
		} else if e.SendCount != 0 {
			t.Errorf("enrollment %s was archived after being sent %d times", e.ID, e.SendCount)
		}
	}
	if len(live) != 1 {
		t.Fatalf("company %s has %d live enrollments named %q, want exactly 1: %+v", companyID, len(live), name, live)
	}
	if live[0].SendCount != 1 {
		t.Fatalf("enrollment %s was sent %d times, want once", live[0].ID, live[0].SendCount)
	}
	return live[0]
}

// createGate holds every create request until n have arrived, so that n
// racing runs all get past their look-up before any creates: the race the
// settle step exists for, made certain.
type createGate struct {
	mu      sync.Mutex
	n       int
	arrived int
	open    chan struct{}
}

func newCreateGate(n int) *createGate { return &createGate{n: n, open: make(chan struct{})} }

func (g *createGate) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/api/enrollments") {
		g.mu.Lock()
		g.arrived++
		if g.arrived == g.n {
			close(g.open)
		}
		g.mu.Unlock()
		select {
		case <-g.open:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestEnrollConcurrentRunsMakeOne(t *testing.T) {
	for _, tc := range []struct {
		name string
		// sameMachine runs share a state directory, hence the lock;
		// otherwise they stand for runs on two machines.
		sameMachine bool
	}{
		{"same machine: the lock serialises them", true},
		{"two machines: the settle step picks one", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := startEnrollFake(t, keepnettest.WithLatency(2*time.Millisecond))
			var opts []keepnet.Option
			if !tc.sameMachine {
				opts = append(opts, keepnet.WithTransport(newCreateGate(2)))
			}
			c := fakeClient(t, srv, append([]keepnet.Option{keepnet.WithRetry(enrollRetry)}, opts...)...)
			shared := t.TempDir()
			results := make([]workflows.EnrollResult, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				req := acmeRequest("Raced by two runs")
				req.StateDir = shared
				if !tc.sameMachine {
					req.StateDir = t.TempDir()
				}
				wg.Go(func() { results[i], errs[i] = workflows.Enroll(context.Background(), c, req) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("run %d: %v", i, err)
				}
			}
			live := requireOneLive(t, srv, keepnettest.CompanyAcmeID, "Raced by two runs")
			actions := map[workflows.Action]int{}
			for _, r := range results {
				actions[r.Action]++
				if r.ID != live.ID {
					t.Errorf("a run reported %s, want the live one, %s", r.ID, live.ID)
				}
			}
			other := workflows.ActionAlreadySent
			if !tc.sameMachine {
				other = workflows.ActionYield
			}
			if actions[workflows.ActionCreate] != 1 || actions[other] != 1 {
				t.Errorf("actions %v, want one %q and one %q", actions, workflows.ActionCreate, other)
			}
			creates := srv.RequestCount(keepnettest.RouteEnrollmentCreate)
			if tc.sameMachine && creates != 1 {
				t.Errorf("%d creates posted, want 1: the second run should have waited and found it", creates)
			}
			if !tc.sameMachine {
				if creates != 2 {
					t.Fatalf("%d creates posted, want 2: the gate should have made both runs create", creates)
				}
				for _, r := range results {
					if r.Action == workflows.ActionYield && !strings.Contains(r.Note, "archived") {
						t.Errorf("the losing run's note = %q, want it to say its duplicate was archived", r.Note)
					}
				}
			}
		})
	}
}

func TestEnrollRerunWaitsForALaggingListing(t *testing.T) {
	// The create commits and is answered 502, and the listing does not show
	// the new enrollment for its next 6 search requests (one per look-up:
	// Acme's enrollments fit a page whose total says so): the first run's
	// three look-ups miss it, and so do the rerun's first ones.
	srv, c := startEnrollFake(t, keepnettest.WithCommitThenFail(keepnettest.RouteEnrollmentCreate, 1), keepnettest.WithListingLag(6))
	req := acmeRequest("Lagging listing")
	req.SettleWindow = time.Minute
	_, err := workflows.Enroll(context.Background(), c, req)
	if !errors.Is(err, keepnet.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "probably not created") {
		t.Fatalf("first run: err = %v, want an unknown create outcome", err)
	}
	var said []string
	req.Progress = func(w workflows.Wait) { said = append(said, w.Message) }
	res, err := workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	e := requireOneLive(t, srv, keepnettest.CompanyAcmeID, req.Name)
	if res.Action != workflows.ActionResume || res.ID != e.ID {
		t.Errorf("rerun = %+v, want %s resumed", res, e.ID)
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 1 {
		t.Errorf("%d creates posted, want 1", n)
	}
	if len(said) == 0 || !strings.Contains(said[0], "waiting") || !strings.Contains(said[0], "unknown outcome") {
		t.Errorf("rerun said %q, want it to say it waits and why", said)
	}
	// The record is gone: a third run neither waits nor creates.
	said = nil
	if res, err := workflows.Enroll(context.Background(), c, req); err != nil || res.Action != workflows.ActionAlreadySent || len(said) != 0 {
		t.Errorf("third run = %+v, %v, said %q; want already sent, without waiting", res, err, said)
	}
}

func TestEnrollHollowListingOnRerun(t *testing.T) {
	srv, _ := startEnrollFake(t, keepnettest.WithCommitThenFail(keepnettest.RouteEnrollmentCreate, 1), keepnettest.WithListingLag(4))
	hollow := &hollowListing{}
	c := fakeClient(t, srv, keepnet.WithRetry(enrollRetry), keepnet.WithTransport(hollow))
	req := acmeRequest("Hollow on rerun")
	if _, err := workflows.Enroll(context.Background(), c, req); !errors.Is(err, keepnet.ErrOutcomeUnknown) {
		t.Fatalf("first run: err = %v, want an unknown create outcome", err)
	}
	for _, h := range hollowAnswers {
		hollow.set(h.body, h.ctype)
		_, err := workflows.Enroll(context.Background(), c, req)
		var ie *workflows.InputError
		if err == nil || errors.As(err, &ie) {
			t.Errorf("rerun on a listing with %s: err = %v, want a failure", h.name, err)
		}
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 1 {
		t.Fatalf("%d creates posted, want 1: a listing that could not be read is not 'none exists'", n)
	}
	hollow.set("", "")
	if _, err := workflows.Enroll(context.Background(), c, req); err != nil {
		t.Fatal(err)
	}
	requireOneLive(t, srv, keepnettest.CompanyAcmeID, req.Name)
}

// createAnswer replaces the fake's answer to a create, which it has carried
// out, with a 201 of the body made from the real ID.
type createAnswer struct {
	body  func(id string) string
	ctype string
}

func (a createAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/api/enrollments") {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var id string
	if _, rest, ok := strings.Cut(string(b), `"id":"`); ok {
		id, _, _ = strings.Cut(rest, `"`)
	}
	resp.Body = io.NopCloser(strings.NewReader(a.body(id)))
	resp.Header = http.Header{"Content-Type": {a.ctype}}
	resp.ContentLength = -1
	return resp, nil
}

func TestEnrollCreateAnswerThatCannotBeRead(t *testing.T) {
	const jsonType = "application/json; charset=utf-8"
	for _, tc := range []struct {
		name     string
		body     func(id string) string
		ctype    string
		foundNow bool // the ID is readable: no look-up, no note
	}{
		{"drift in a field not read", func(id string) string {
			return `{"data":{"id":"` + id + `","totalTargetUserCount":"many","tags":{"x":1},"startDate":17}}`
		}, jsonType, true},
		{"no ID", func(string) string { return `{"data":{"trainingName":"Phishing Fundamentals","status":"Scheduled"}}` }, jsonType, false},
		{"ID of another type", func(string) string { return `{"data":{"id":{"value":"?"}}}` }, jsonType, false},
		{"data not an object", func(string) string { return `{"data":"created","status":"SUCCESS"}` }, jsonType, false},
		{"not JSON", func(string) string { return `<html><body>Created</body></html>` }, "text/html", false},
		{"cut short", func(id string) string { return `{"data":{"id":"` + id[:3] }, jsonType, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := startEnrollFake(t)
			c := fakeClient(t, srv, keepnet.WithRetry(enrollRetry), keepnet.WithTransport(createAnswer{tc.body, tc.ctype}))
			req := acmeRequest("Create answer unreadable")
			res, err := workflows.Enroll(context.Background(), c, req)
			if err != nil {
				t.Fatalf("err = %v, want the enrollment found by name and sent", err)
			}
			e := requireOneLive(t, srv, keepnettest.CompanyAcmeID, req.Name)
			if res.Action != workflows.ActionCreate || res.ID != e.ID {
				t.Errorf("result = %+v, want %s created", res, e.ID)
			}
			if tc.foundNow != (res.Note == "") || (!tc.foundNow && !strings.Contains(res.Note, "found by name")) {
				t.Errorf("note = %q; want one saying it was found by name exactly when the ID could not be read", res.Note)
			}
		})
	}
}

// createHold holds the first create request until released (or a minute
// has passed, so that a broken lock fails the test instead of hanging it).
type createHold struct {
	once             sync.Once
	arrived, release chan struct{}
}

func (h *createHold) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/api/enrollments") {
		first := false
		h.once.Do(func() { first = true })
		if first {
			close(h.arrived)
			select {
			case <-h.release:
			case <-time.After(time.Minute):
			}
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestEnrollSecondRunWaitsForTheLockAndSaysSo(t *testing.T) {
	srv, _ := startEnrollFake(t)
	hold := &createHold{arrived: make(chan struct{}), release: make(chan struct{})}
	c := fakeClient(t, srv, keepnet.WithRetry(enrollRetry), keepnet.WithTransport(hold))
	req := acmeRequest("Waits for the lock")
	var (
		first    workflows.EnrollResult
		firstErr error
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		first, firstErr = workflows.Enroll(context.Background(), c, req)
	}()
	<-hold.arrived // the first run holds the lock, in its create

	var said []string
	var release sync.Once
	second := req
	second.Progress = func(w workflows.Wait) {
		msg := w.Message
		said = append(said, msg)
		release.Do(func() { close(hold.release) })
	}
	res, err := workflows.Enroll(context.Background(), c, second)
	<-done
	if firstErr != nil || err != nil {
		t.Fatalf("first run: %v; second run: %v", firstErr, err)
	}
	e := requireOneLive(t, srv, keepnettest.CompanyAcmeID, req.Name)
	if first.Action != workflows.ActionCreate || res.Action != workflows.ActionAlreadySent || res.ID != e.ID {
		t.Errorf("first %+v, second %+v; want created, then already sent", first, res)
	}
	if len(said) != 1 || !strings.Contains(said[0], "waiting for another keepnet-flow run") {
		t.Errorf("second run said %q, want that it waits for another run", said)
	}
}

func TestEnrollSettleKeepsAnEarlierCreateThatSurfacesLate(t *testing.T) {
	// A create commits behind a 502, and the listing hides each new
	// enrollment from its next 5 search requests (one per look-up). The
	// rerun's settle window is spent, so it creates again; by its settle
	// step the first one is listed and its own is not. It keeps the
	// first, archives its own unsent, and says the first still needs
	// sending, which the next rerun does.
	srv, c := startEnrollFake(t, keepnettest.WithCommitThenFail(keepnettest.RouteEnrollmentCreate, 1), keepnettest.WithListingLag(5))
	req := acmeRequest("Surfaces late")
	if _, err := workflows.Enroll(context.Background(), c, req); !errors.Is(err, keepnet.ErrOutcomeUnknown) {
		t.Fatalf("first run: err = %v, want an unknown create outcome", err)
	}
	req.SettleWindow = time.Nanosecond
	res, err := workflows.Enroll(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	first := srv.CreatedEnrollments()[0]
	if res.Action != workflows.ActionYield || res.ID != first.ID || !strings.Contains(res.Note, "run the same request again") {
		t.Errorf("rerun = %+v, want %s kept, and a note that it still needs sending", res, first.ID)
	}
	if created := srv.CreatedEnrollments(); len(created) != 2 || created[1].Status != keepnettest.StatusArchived || created[1].SendCount != 0 {
		t.Fatalf("created %+v, want the rerun's own archived unsent", created)
	}
	res, err = workflows.Enroll(context.Background(), c, req)
	if err != nil || res.Action != workflows.ActionResume || res.ID != first.ID {
		t.Errorf("next rerun = %+v, %v; want %s resumed", res, err, first.ID)
	}
	requireOneLive(t, srv, keepnettest.CompanyAcmeID, req.Name)
}
