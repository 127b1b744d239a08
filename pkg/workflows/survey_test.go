package workflows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// specFake starts the fake with spec validation on.
func specFake(t *testing.T, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// memFake is specFake on an in-memory network, for a test in a
// testing/synctest bubble (synctest.Test), whose clock stands still while
// the pull works and jumps while it waits: rate limits, Retry-After and
// token expiry take no real time. Its clients are memClient's.
func memFake(t *testing.T, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	return specFake(t, append(opts, keepnettest.WithInMemoryNetwork())...)
}

// memClient is fakeClient of a memFake server.
func memClient(t *testing.T, srv *keepnettest.Server, opts ...keepnet.Option) *keepnet.Client {
	t.Helper()
	return fakeClient(t, srv, append([]keepnet.Option{keepnet.WithHTTPClient(srv.Client())}, opts...)...)
}

// fastRetry keeps the client's resilience but not its patience: tests
// should not sleep half a second per injected fault.
var fastRetry = keepnet.RetryPolicy{MaxAttempts: 8, MaxElapsed: 30 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}

// fakeClient is a client of srv with fast retries; opts come last, so they win.
func fakeClient(t *testing.T, srv *keepnettest.Server, opts ...keepnet.Option) *keepnet.Client {
	t.Helper()
	c, err := keepnet.New(append([]keepnet.Option{
		keepnet.WithBaseURL(srv.URL),
		keepnet.WithCredentials(srv.ClientID, srv.ClientSecret),
		keepnet.WithRetry(fastRetry),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var acmeSurvey = workflows.SurveyRequest{Companies: in(keepnettest.CompanyAcmeName), Enrollment: keepnettest.SurveyName, Concurrency: 4}

// pullAll runs a whole pull and returns its records.
func pullAll(t *testing.T, c *keepnet.Client, req workflows.SurveyRequest) (*onePull, []workflows.UserResult) {
	t.Helper()
	pull, err := openSurvey(context.Background(), c, req)
	if err != nil {
		t.Fatalf("OpenSurvey: %v", err)
	}
	var users []workflows.UserResult
	for u, err := range pull.Users(context.Background()) {
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		users = append(users, u)
	}
	return pull, users
}

func TestPullSurveyReportsWhatTheServerHolds(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(60), keepnettest.WithPageSizeCap(25))
	pull, users := pullAll(t, fakeClient(t, srv), acmeSurvey)

	if pull.Company.Name != keepnettest.CompanyAcmeName || pull.Enrollment.ID != keepnettest.EnrollmentAcmeSurveyID {
		t.Errorf("resolved %+v / %+v, want Acme's survey %s", pull.Company, pull.Enrollment, keepnettest.EnrollmentAcmeSurveyID)
	}
	if pull.Summary == nil || pull.Enrollment.Details == nil {
		t.Errorf("summary %v or details %v missing", pull.Summary, pull.Enrollment.Details)
	}
	if pull.Total() != 60 {
		t.Errorf("Total() = %d, want 60", pull.Total())
	}
	if len(users) != 60 {
		t.Fatalf("%d records, want 60 (the server caps pages at 25; paging must follow what it returns)", len(users))
	}
	seen := map[string]bool{}
	answered := 0
	for _, u := range users {
		if seen[u.TargetUserResourceID] {
			t.Errorf("user %s reported twice", u.TargetUserResourceID)
		}
		seen[u.TargetUserResourceID] = true
		if u.Error != "" {
			t.Errorf("user %s: error %q in a fault-free run", u.TargetUserResourceID, u.Error)
		}
		want, ok := srv.User(keepnettest.EnrollmentAcmeSurveyID, u.TargetUserResourceID)
		if !ok {
			t.Errorf("user %s is not in the survey", u.TargetUserResourceID)
			continue
		}
		if u.Email != want.Email || u.FirstName != want.FirstName || u.LastName != want.LastName || u.Department != want.Department || u.Status != want.Status {
			t.Errorf("user %s = %+v, want %+v", u.TargetUserResourceID, u, want)
		}
		if want.LastInteraction.IsZero() != u.LastInteractionDate.IsZero() {
			t.Errorf("user %s lastInteractionDate %q, server's %v", u.TargetUserResourceID, u.LastInteractionDate, want.LastInteraction)
		}
		if len(u.Interactions) == 0 && !want.LastInteraction.IsZero() {
			t.Errorf("user %s interacted but has no timeline", u.TargetUserResourceID)
		}
		wantAnswers := srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.TargetUserResourceID)
		if len(wantAnswers) > 0 {
			answered++
		}
		got := map[string]workflows.Answer{}
		for _, a := range u.Answers {
			got[a.QuestionID] = a
		}
		if len(got) != len(wantAnswers) {
			t.Errorf("user %s: %d answers, want %d", u.TargetUserResourceID, len(got), len(wantAnswers))
		}
		for _, w := range wantAnswers {
			a := got[w.ScormID]
			if a.Question != w.Question || a.Answer != w.Option || a.AnswerCode != w.Response || a.LatencySeconds == nil {
				t.Errorf("user %s question %s = %+v, want %+v", u.TargetUserResourceID, w.ScormID, a, w)
			}
		}
	}
	if answered == 0 {
		t.Error("no user answered: the test would not notice answers going missing")
	}
}

func TestPullSurveyIsDeterministic(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(40), keepnettest.WithJitter(3*time.Millisecond))
	c := fakeClient(t, srv)
	_, first := pullAll(t, c, acmeSurvey)
	_, second := pullAll(t, c, workflows.SurveyRequest{Companies: acmeSurvey.Companies, Enrollment: acmeSurvey.Enrollment, Concurrency: 9})
	if a, b := marshal(t, first), marshal(t, second); a != b {
		t.Errorf("two pulls of one survey differ:\n%s\n---\n%s", a, b)
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPullSurveyIsUnmovedByFaults: retried faults, expiring tokens and the
// server's rate limit change nothing in the records.
func TestPullSurveyIsUnmovedByFaults(t *testing.T) {
	// Fault-free baselines, by survey size.
	baseline := map[int][]workflows.UserResult{}
	for _, users := range []int{200, 30} {
		_, baseline[users] = pullAll(t, fakeClient(t, specFake(t, keepnettest.WithUsers(users))), acmeSurvey)
	}
	countStatus := func(srv *keepnettest.Server, match func(int) bool) int {
		n := 0
		for _, r := range srv.Requests() {
			if match(r.Status) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name        string
		users       int
		concurrency int
		opts        []keepnettest.Option
		// during, if set, runs beside the pull to cause trouble.
		during func(srv *keepnettest.Server)
		// bit proves the trouble happened, so the test cannot pass vacuously.
		bit func(srv *keepnettest.Server) int
	}{
		{
			name:  "10% faults",
			users: 200, concurrency: 16,
			opts: []keepnettest.Option{keepnettest.WithFaults(keepnettest.Faults{
				TooManyRequests: 0.01, TooManyRequestsBare: 0.02, InternalError: 0.01, BadGateway: 0.02, Unavailable: 0.02, Drop: 0.02,
				// Token requests are the connection layer's tests' business.
				ExceptRoutes: []string{keepnettest.RouteToken},
			})},
			bit: func(srv *keepnettest.Server) int {
				return countStatus(srv, func(s int) bool { return s == http.StatusTooManyRequests || s >= 500 || s == 0 })
			},
		},
		{
			// ~400 requests of 40 ms, 4 at a time: the pull outlives its
			// first tokens whatever the machine's speed.
			name:  "3-second tokens",
			users: 200, concurrency: 4,
			opts: []keepnettest.Option{keepnettest.WithTokenTTL(3 * time.Second), keepnettest.WithLatency(40 * time.Millisecond)},
			bit:  func(srv *keepnettest.Server) int { return srv.TokensIssued() - 1 },
		},
		{
			// The service drops the token while the client still thinks it
			// valid: the 401 path, mid-run.
			name:  "token revoked mid-run",
			users: 200, concurrency: 4,
			opts: []keepnettest.Option{keepnettest.WithLatency(20 * time.Millisecond)},
			during: func(srv *keepnettest.Server) {
				time.Sleep(300 * time.Millisecond)
				srv.ExpireTokens()
			},
			bit: func(srv *keepnettest.Server) int {
				return countStatus(srv, func(s int) bool { return s == http.StatusUnauthorized })
			},
		},
		{
			// The pull's ~65 requests overrun the burst of 40 in well under
			// a second on any machine, so 429s are certain; every 429 says
			// "Retry-After: 1", so the survey is small and the burst large,
			// lest the test spend its time asleep.
			name:  "server rate limit",
			users: 30, concurrency: 4,
			opts: []keepnettest.Option{keepnettest.WithRateLimit(20, 40)},
			bit: func(srv *keepnettest.Server) int {
				return countStatus(srv, func(s int) bool { return s == http.StatusTooManyRequests })
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// In a bubble: latency, token lifetimes and Retry-After take
			// the bubble's time, not the machine's.
			synctest.Test(t, func(t *testing.T) {
				srv := memFake(t, append(tt.opts, keepnettest.WithUsers(tt.users))...)
				want := baseline[tt.users]
				req := acmeSurvey
				// Each case sets its concurrency: low enough to keep the fake's
				// trouble the kind the case is about.
				req.Concurrency = tt.concurrency
				if tt.during != nil {
					go tt.during(srv)
				}
				_, got := pullAll(t, memClient(t, srv), req)
				if n := tt.bit(srv); n <= 0 {
					t.Errorf("the trouble never happened (%d); the test proves nothing", n)
				} else {
					t.Logf("%d troubles overcome in %d requests", n, len(srv.Requests()))
				}
				if len(got) != len(want) {
					t.Fatalf("%d records, want %d", len(got), len(want))
				}
				for i := range want {
					if a, b := marshal(t, got[i]), marshal(t, want[i]); a != b {
						t.Errorf("record %d differs from the fault-free run:\n%s\nwant\n%s", i, a, b)
					}
				}
			})
		})
	}
}

// failUser is a transport that answers 503 to every answers request of one
// user, as if that user's data were broken server-side.
type failUser struct {
	base   http.RoundTripper
	userID string
	calls  atomic.Int64
}

func (f *failUser) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/exam-result-sessions/"+f.userID) {
		f.calls.Add(1)
		return &http.Response{
			StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
			Header: http.Header{"Content-Type": {"text/html"}}, Body: http.NoBody, Request: r,
		}, nil
	}
	return f.base.RoundTrip(r)
}

func TestPullSurveyRecordsUsersThatKeepFailing(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(20))
	var victim keepnettest.User
	for u := range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		if u.Index == 7 {
			victim = u
		}
	}
	ft := &failUser{base: http.DefaultTransport, userID: victim.ID}
	_, users := pullAll(t, fakeClient(t, srv, keepnet.WithTransport(ft)), acmeSurvey)
	if len(users) != 20 {
		t.Fatalf("%d records, want all 20: a failing user must not be dropped", len(users))
	}
	for _, u := range users {
		switch {
		case u.TargetUserResourceID == victim.ID && u.Error == "":
			t.Errorf("failing user has no error: %+v", u)
		case u.TargetUserResourceID == victim.ID:
			if u.Email != victim.Email || len(u.Interactions) == 0 && !victim.LastInteraction.IsZero() {
				t.Errorf("failing user lost what could be fetched: %+v", u)
			}
		case u.Error != "":
			t.Errorf("user %s: error %q, only %s fails", u.TargetUserResourceID, u.Error, victim.ID)
		}
	}
	if ft.calls.Load() < 2 {
		t.Errorf("failing call made %d times, want retries", ft.calls.Load())
	}
}

// inFlight is a transport that records the most requests it saw at once.
type inFlight struct {
	base               http.RoundTripper
	mu                 sync.Mutex
	now, peak, started int
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now++
	f.started++
	f.peak = max(f.peak, f.now)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}()
	return f.base.RoundTrip(r)
}

func TestPullSurveyBoundsRequestsInFlight(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(50), keepnettest.WithLatency(5*time.Millisecond))
	tr := &inFlight{base: http.DefaultTransport}
	req := acmeSurvey
	req.Concurrency = 3
	pull, err := openSurvey(context.Background(), fakeClient(t, srv, keepnet.WithTransport(tr)), req)
	if err != nil {
		t.Fatal(err)
	}
	tr.mu.Lock()
	tr.peak = 0
	tr.mu.Unlock()
	n := 0
	for _, err := range pull.Users(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 50 {
		t.Errorf("%d records, want 50", n)
	}
	if tr.peak > 3 {
		t.Errorf("%d requests in flight at once, want at most 3", tr.peak)
	}
}

func TestUsersStopsWhenTheLoopBreaks(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(500))
	tr := &inFlight{base: http.DefaultTransport}
	pull, err := openSurvey(context.Background(), fakeClient(t, srv, keepnet.WithTransport(tr)), acmeSurvey)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range pull.Users(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 5 {
			break
		}
	}
	// Users returns only once every request it started has returned: none
	// is still running, and none starts later.
	tr.mu.Lock()
	started, running := tr.started, tr.now
	tr.mu.Unlock()
	if running != 0 {
		t.Errorf("%d requests still running after the loop ended", running)
	}
	if started >= 500 {
		t.Errorf("%d requests after stopping at 5 users, want a few windows' worth, not the survey", started)
	}
	time.Sleep(20 * time.Millisecond)
	tr.mu.Lock()
	again := tr.started
	tr.mu.Unlock()
	if again != started {
		t.Errorf("requests went on after the loop ended: %d then %d", started, again)
	}
}

func TestUsersReportsCancellation(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(200), keepnettest.WithLatency(2*time.Millisecond))
	pull, err := openSurvey(context.Background(), fakeClient(t, srv), acmeSurvey)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last error
	n := 0
	for _, err := range pull.Users(ctx) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 3 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("after cancel: error %v, want context.Canceled", last)
	}
	if n >= 200 {
		t.Errorf("all %d users yielded despite cancellation", n)
	}
}

func TestOpenSurveyInputErrors(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv)
	tests := []struct {
		name, company, enrollment string
		want                      []string // substrings of the one-line reason
	}{
		{"unknown company", "Umbrella Corp", keepnettest.SurveyName, []string{"company", `"Umbrella Corp"`, "is not the name or ID of any of the 3 companies these credentials manage"}},
		{"ambiguous company", "acme", keepnettest.SurveyName, []string{`"acme"`, "ambiguous", keepnettest.CompanyAcmeName, keepnettest.CompanyAcmeID}},
		{"unmanaged company ID", keepnettest.CompanyUnmanagedID, keepnettest.SurveyName, []string{keepnettest.CompanyUnmanagedID, "companies these credentials manage"}},
		{"unmanaged company name", keepnettest.CompanyUnmanagedName, keepnettest.SurveyName, []string{keepnettest.CompanyUnmanagedName}},
		{"unknown enrollment", keepnettest.CompanyAcmeName, "Winter Quiz", []string{"enrollment", `"Winter Quiz"`, "matches no enrollment"}},
		{"ambiguous enrollment", keepnettest.CompanyAcmeName, "culture", []string{`"culture"`, "ambiguous", keepnettest.SurveyPilotName, keepnettest.EnrollmentAcmePilotID}},
		{"not a survey", keepnettest.CompanyAcmeName, keepnettest.TrainingEnrollmentName, []string{keepnettest.TrainingEnrollmentName, keepnettest.EnrollmentAcmeTrainingID, "not a survey"}},
		{"not a survey, by ID", keepnettest.CompanyAcmeName, keepnettest.EnrollmentAcmeTrainingID, []string{"not a survey"}},
		{"another company's survey ID", keepnettest.CompanyAcmeName, keepnettest.EnrollmentGlobexSurveyID, []string{keepnettest.EnrollmentGlobexSurveyID, "matches no enrollment"}},
		{"empty enrollment", keepnettest.CompanyAcmeName, " ", []string{"enrollment", "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openSurvey(context.Background(), c, workflows.SurveyRequest{Companies: in(tt.company), Enrollment: tt.enrollment})
			var ie *workflows.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want *workflows.InputError", err, err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("reason spans lines: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("reason %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestOpenSurveyResolvesNamesAndIDs(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv)
	tests := []struct {
		name, company, enrollment, wantCompany, wantEnrollment string
	}{
		{"exact names, case-insensitive", "ACME MANUFACTURING", "security culture survey", keepnettest.CompanyAcmeID, keepnettest.EnrollmentAcmeSurveyID},
		{"IDs as is", keepnettest.CompanyAcmeID, keepnettest.EnrollmentAcmePilotID, keepnettest.CompanyAcmeID, keepnettest.EnrollmentAcmePilotID},
		{"single partial match", "globex", "culture", keepnettest.CompanyGlobexID, keepnettest.EnrollmentGlobexSurveyID},
		{"same survey name, other company", keepnettest.CompanyGlobexName, keepnettest.SurveyName, keepnettest.CompanyGlobexID, keepnettest.EnrollmentGlobexSurveyID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pull, err := openSurvey(context.Background(), c, workflows.SurveyRequest{Companies: in(tt.company), Enrollment: tt.enrollment})
			if err != nil {
				t.Fatal(err)
			}
			if pull.Company.ID != tt.wantCompany || pull.Enrollment.ID != tt.wantEnrollment {
				t.Errorf("resolved %s / %s, want %s / %s", pull.Company.ID, pull.Enrollment.ID, tt.wantCompany, tt.wantEnrollment)
			}
		})
	}
	// Every scoped call carries the company in both headers.
	for _, r := range srv.Requests() {
		if r.Route != keepnettest.RouteCompaniesSearch && r.Route != keepnettest.RouteToken && (r.CompanyID == "" || r.CompanyID != r.IRCompanyID) {
			t.Errorf("%s %s sent company headers %q / %q", r.Method, r.Path, r.CompanyID, r.IRCompanyID)
		}
	}
	if !slices.ContainsFunc(srv.Requests(), func(r keepnettest.Request) bool {
		return r.Route == keepnettest.RouteReportSummary && strings.Contains(r.RawQuery, "trainingType=0")
	}) {
		t.Error("no summary request with trainingType=0")
	}
}

// pageOne rewrites every users/search request to ask for page 1, as a
// server that ignores pageNumber would answer.
type pageOne struct{ base http.RoundTripper }

func (p pageOne) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/users/search") {
		return p.base.RoundTrip(r)
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, err
	}
	body["pageNumber"] = 1
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return p.base.RoundTrip(r)
}

func TestUsersEndsOnAServerThatIgnoresPaging(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(30), keepnettest.WithPageSizeCap(10))
	pull, err := openSurvey(context.Background(), fakeClient(t, srv, keepnet.WithTransport(pageOne{http.DefaultTransport})), acmeSurvey)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var last error
	for _, err := range pull.Users(context.Background()) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if last == nil || !strings.Contains(last.Error(), "ignores paging") {
		t.Errorf("after %d records: error %v, want one saying the server ignores paging", n, last)
	}
	if n > 10 {
		t.Errorf("%d records from a 10-row page repeated, want no duplicates", n)
	}
}
