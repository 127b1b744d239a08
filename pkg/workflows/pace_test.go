package workflows_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// These tests pull against a fake that rate-limits without saying so. The
// sizes are modest (a few hundred requests at 120 a second) and the bounds
// generous, so that a loaded machine cannot make them fail: what they
// catch is users lost to 429s, and 429s as the rule rather than the
// exception (without pacing, 32 requests in flight against this limit get
// about half of their requests refused).

const (
	hiddenLimit = 120
	hiddenBurst = 15
	pacedUsers  = 150
	// maxRefusedShare is the most 429s a paced pull may get, as a share of
	// its requests: mostly the requests in flight when the first 429 came.
	maxRefusedShare = 0.2
)

func TestSurveyPullFindsAHiddenRateLimit(t *testing.T) {
	_, want := pullAll(t, fakeClient(t, specFake(t, keepnettest.WithUsers(pacedUsers))), acmeSurvey)
	tests := []struct {
		name        string
		limit       keepnettest.RateLimit
		concurrency int
		client      []keepnet.Option
	}{
		{"Retry-After: 1, concurrency 32", keepnettest.RateLimit{PerSecond: hiddenLimit, Burst: hiddenBurst, RetryAfter: time.Second}, 32, nil},
		{"no Retry-After, concurrency 32", keepnettest.RateLimit{PerSecond: hiddenLimit, Burst: hiddenBurst}, 32, nil},
		{"no Retry-After, default concurrency", keepnettest.RateLimit{PerSecond: hiddenLimit, Burst: hiddenBurst}, 0, nil},
		// The service says to come back in an hour; the client waits at
		// most MaxRetryAfter, and its pace keeps it going meanwhile.
		{"Retry-After of an hour, capped", keepnettest.RateLimit{PerSecond: hiddenLimit, Burst: hiddenBurst, RetryAfter: time.Hour}, 8,
			[]keepnet.Option{keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				srv := memFake(t, keepnettest.WithUsers(pacedUsers), keepnettest.WithRateLimits(tt.limit))
				c := memClient(t, srv, tt.client...)
				req := acmeSurvey
				req.Concurrency = tt.concurrency
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				got := pullWithin(ctx, t, c, req)
				requireSameRecords(t, got, want)
				counts := srv.Counts()
				if counts.RateLimited == 0 {
					t.Fatal("the limit never refused a request: the test proves nothing")
				}
				share := float64(counts.RateLimited) / float64(counts.Requests)
				t.Logf("429s: %d of %d requests (%.1f%%)", counts.RateLimited, counts.Requests, 100*share)
				if share > maxRefusedShare {
					t.Errorf("429s were %.0f%% of %d requests, want at most %.0f%%", 100*share, counts.Requests, 100*maxRefusedShare)
				}
				if st := c.Pace(); st.Cuts == 0 || st.Throttled != int64(counts.RateLimited) {
					t.Errorf("pace %+v; the server refused %d", st, counts.RateLimited)
				}
			})
		})
	}
}

// TestOneLimitAcrossCompanies pulls two companies' surveys at once through
// one client, against one limit for the credential: the pace is the
// client's, so the second pull does not start from scratch and the 429s
// stay few.
func TestOneLimitAcrossCompanies(t *testing.T) {
	synctest.Test(t, oneLimitAcrossCompanies)
}

func oneLimitAcrossCompanies(t *testing.T) {
	srv := memFake(t, keepnettest.WithUsers(pacedUsers/2),
		keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: hiddenLimit, Burst: hiddenBurst}))
	globex := srv.AddSurvey(keepnettest.CompanyGlobexID, "Pace Survey", pacedUsers/2)
	c := memClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	results := make([][]workflows.UserResult, 2)
	for i, req := range []workflows.SurveyRequest{
		{Companies: in(keepnettest.CompanyAcmeName), Enrollment: keepnettest.SurveyName, Concurrency: 16},
		{Companies: in(keepnettest.CompanyGlobexID), Enrollment: globex.ID, Concurrency: 16},
	} {
		wg.Go(func() { results[i] = pullWithin(ctx, t, c, req) })
	}
	wg.Wait()
	for i, got := range results {
		if len(got) != pacedUsers/2 {
			t.Errorf("pull %d: %d users, want %d", i, len(got), pacedUsers/2)
		}
		for _, u := range got {
			if u.Error != "" {
				t.Errorf("pull %d: user %s incomplete: %s", i, u.TargetUserResourceID, u.Error)
			}
		}
	}
	counts := srv.Counts()
	if counts.RateLimited == 0 {
		t.Fatal("the limit never refused a request: the test proves nothing")
	}
	if share := float64(counts.RateLimited) / float64(counts.Requests); share > maxRefusedShare {
		t.Errorf("429s were %.0f%% of %d requests, want at most %.0f%%", 100*share, counts.Requests, 100*maxRefusedShare)
	}
}

// TestEnrollUnderAHiddenRateLimit: enroll's reads and its create and send
// are paced and retried after 429s, and the enrollment is created and sent
// exactly once.
func TestEnrollUnderAHiddenRateLimit(t *testing.T) {
	t.Setenv(workflows.EnvStateDir, t.TempDir())
	synctest.Test(t, enrollUnderAHiddenRateLimit)
}

func enrollUnderAHiddenRateLimit(t *testing.T) {
	srv := memFake(t, keepnettest.WithRateLimits(keepnettest.RateLimit{PerSecond: 16, Burst: 1}))
	// Backoffs as short as the other enroll tests' (a millisecond) would
	// send a request's retries into the limit faster than it refills,
	// which no real client does: the pace would see nothing accepted and
	// start from its floor. Backoffs of a tick of the limit keep it real.
	c := memClient(t, srv, keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 8, MaxElapsed: 10 * time.Second, BaseDelay: 70 * time.Millisecond, MaxDelay: 200 * time.Millisecond}))
	const name = "Paced refresher"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := workflows.Enroll(ctx, c, acmeRequest(name)); err != nil {
		t.Fatal(err)
	}
	requireOneSent(t, srv, keepnettest.CompanyAcmeID, name)
	if srv.Counts().RateLimited == 0 {
		t.Fatal("the limit never refused a request: the test proves nothing")
	}
	if c.Pace().Cuts == 0 {
		t.Error("the pace was never lowered")
	}
}

// pullWithin runs a whole pull under ctx, failing t on a pull error.
func pullWithin(ctx context.Context, t *testing.T, c *keepnet.Client, req workflows.SurveyRequest) []workflows.UserResult {
	t.Helper()
	var users []workflows.UserResult
	for u, err := range pullSurvey(ctx, c, req) {
		if err != nil {
			t.Errorf("pull: %v", err)
			return users
		}
		users = append(users, u)
	}
	return users
}

// requireSameRecords fails unless got are the records of want, in order.
func requireSameRecords(t *testing.T, got, want []workflows.UserResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		if a, b := marshal(t, got[i]), marshal(t, want[i]); a != b {
			t.Errorf("record %d differs from the unlimited run:\n%s\nwant\n%s", i, a, b)
		}
	}
}
