package workflows_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The training and simulation results pulls under what the service does
// besides answering: unstable and changing listings, type drift, hollow
// answers, failing and hostile per-user data.

var (
	acmeTraining = workflows.TrainingRequest{Companies: in(keepnettest.CompanyAcmeID), Enrollments: []string{keepnettest.TrainingEnrollmentName}, Concurrency: 4}
	acmeInvoice  = workflows.PhishingRequest{Companies: in(keepnettest.CompanyAcmeID), Campaigns: []string{keepnettest.PhishingAcmeInvoiceID}, Concurrency: 4}
)

// requireWholeOrLoud: a pull over a listing whose order moves gives every
// user exactly once, or says loudly which listing it could not make whole
// (and what it gave stands, each user once).
func requireWholeOrLoud[R any](t *testing.T, p pulled[R], id func(R) string, want []string) bool {
	t.Helper()
	var got []string
	seen := map[string]bool{}
	for _, r := range p.records {
		if seen[id(r)] {
			t.Errorf("user %s twice", id(r))
		}
		seen[id(r)] = true
		got = append(got, id(r))
	}
	if len(p.failed) == 0 {
		if !sameSet(got, want) {
			t.Errorf("%d distinct users and no error; want all %d", len(got), len(want))
		}
		return true
	}
	var le *workflows.ListingError
	if len(p.failed) != 1 || !errors.As(p.failed[0], &le) || !errors.Is(p.Err(), workflows.ErrIncomplete) || le.Distinct != int64(len(got)) {
		t.Errorf("failed %v, err %v; want one *ListingError counting the %d users given", p.failed, p.Err(), len(got))
	}
	return false
}

func TestResultsUnderUnstableOrder(t *testing.T) {
	orders := map[string]func(uint64) keepnettest.Option{
		"every row ties": keepnettest.WithUnstableOrder,
		"ties in runs":   func(seed uint64) keepnettest.Option { return keepnettest.WithUnstableTies(seed, 7) },
	}
	whole := 0
	for name, order := range orders {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("%s, seed %d", name, seed), func(t *testing.T) {
				srv := specFake(t, order(seed), keepnettest.WithTrainingUsers(450), keepnettest.WithJobUsers(450))
				c := fakeClient(t, srv)

				var trainees []string
				for u := range srv.TrainingUsers(keepnettest.EnrollmentAcmeTrainingID) {
					trainees = append(trainees, u.ID)
				}
				if requireWholeOrLoud(t, pullTraining(t, c, acmeTraining), func(r workflows.TrainingRecord) string { return r.TargetUserResourceID }, trainees) {
					whole++
				}

				var rows []string
				for _, ig := range []int{1, 2} {
					for u := range srv.JobUsers(keepnettest.PhishingAcmeInvoiceID, ig) {
						rows = append(rows, u.ResourceID)
					}
				}
				if requireWholeOrLoud(t, pullPhishing(t, c, acmeInvoice), func(r workflows.PhishingRecord) string { return r.ResourceID }, rows) {
					whole++
				}
			})
		}
	}
	if whole == 0 {
		t.Error("no pull was made whole: the repair is not being tested")
	}
}

// TestTrainingUnderAChangingListing: users added, removed and moved while
// the enrollment is paged; every user the listing holds at the end is
// pulled once, and the removed ones that were read stand.
func TestTrainingUnderAChangingListing(t *testing.T) {
	srv := specFake(t, keepnettest.WithTrainingUsers(320), keepnettest.WithListingChanges(keepnettest.ListingChange{
		Route: keepnettest.RouteReportUsersSearch, Listing: keepnettest.EnrollmentAcmeTrainingID, AfterPage: 2, Add: 4, Remove: 3, Move: 6,
	}))
	p := pullTraining(t, fakeClient(t, srv), acmeTraining)
	changes := srv.AppliedChanges()
	if len(changes) != 1 {
		t.Fatal("the listing did not change: the test proves nothing")
	}
	var now []string
	for u := range srv.TrainingUsers(keepnettest.EnrollmentAcmeTrainingID) {
		now = append(now, u.ID)
	}
	var got []string
	for _, r := range p.records {
		got = append(got, r.TargetUserResourceID)
	}
	// The removed users were read before they left (they were on the pages
	// already answered): their records stand beside the others', as the
	// fake keeps their reports.
	for _, id := range changes[0].Removed {
		if !slices.Contains(got, id) {
			t.Errorf("removed user %s, read before it left, has no record", id)
		}
	}
	if !sameSet(got, now) || p.Err() != nil {
		t.Errorf("%d records (err %v), want the fake's %d users, each once", len(got), p.Err(), len(now))
	}
}

// TestResultsUnmovedByTypeDrift: the records are the same whatever JSON
// types the service sends.
func TestResultsUnmovedByTypeDrift(t *testing.T) {
	read := func(t *testing.T, opts ...keepnettest.Option) map[string]string {
		c := fakeClient(t, specFake(t, opts...))
		all := workflows.CompanySelection{All: true}
		got := map[string]string{}
		training := quarter
		training.Companies, training.Types = all, []string{"SCORM", "LearningPath", "Infographic"}
		p := pullTraining(t, c, training)
		got["training"] = marshal(t, p.records)
		for _, ch := range []workflows.Channel{workflows.ChannelPhishing, workflows.ChannelSmishing, workflows.ChannelQuishing} {
			req := quarterJobs
			req.Since = req.Since.AddDate(-1, 0, 0)
			req.Until = req.Until.AddDate(1, 0, 0)
			req.Companies, req.Channel, req.Events, req.IncludeTests = all, ch, true, true
			p := pullPhishing(t, c, req)
			if len(p.records) == 0 {
				t.Fatalf("no %s records: the test proves nothing", ch)
			}
			got[string(ch)] = marshal(t, p.records)
			for _, r := range p.records {
				if r.Error != "" {
					t.Errorf("%s row %s: %s", ch, r.ResourceID, r.Error)
				}
			}
		}
		return got
	}
	plain := read(t)
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			drifted := read(t, keepnettest.WithTypeDrift(seed))
			for name, want := range plain {
				if drifted[name] != want {
					t.Errorf("%s records under drift differ:\n %.600s\nwithout:\n %.600s", name, drifted[name], want)
				}
			}
		})
	}
}

func TestResultsHollowAnswers(t *testing.T) {
	fewRetries := keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 3, BaseDelay: 1, MaxDelay: 1})
	baseline := pullPhishing(t, fakeClient(t, specFake(t, keepnettest.WithJobUsers(150))), acmeInvoice)

	t.Run("a users page once is retried", func(t *testing.T) {
		srv := specFake(t, keepnettest.WithJobUsers(150), keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RoutePhishingJobUsers, Kind: keepnettest.HollowResultsNull, Times: 2, Page: 2}))
		p := pullPhishing(t, fakeClient(t, srv), acmeInvoice)
		if a, b := marshal(t, p.records), marshal(t, baseline.records); a != b || p.Err() != nil {
			t.Errorf("records differ from a pull without hollow answers (err %v)", p.Err())
		}
	})
	t.Run("a users page always ends its job loudly", func(t *testing.T) {
		srv := specFake(t, keepnettest.WithJobUsers(150), keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RoutePhishingJobUsers, Kind: keepnettest.HollowHTML, Page: 2}))
		p := pullPhishing(t, fakeClient(t, srv, fewRetries), acmeInvoice)
		if len(p.failed) == 0 || !errors.Is(p.failed[0], keepnet.ErrHollowResponse) || !errors.Is(p.Err(), workflows.ErrIncomplete) {
			t.Errorf("failed %v, err %v; want the job's hollow page named", p.failed, p.Err())
		}
	})
	t.Run("a job summary fails its job in its place", func(t *testing.T) {
		srv := specFake(t)
		portal := failPath{base: http.DefaultTransport, suffix: "/summary/" + keepnettest.PhishingAcmeInvoiceID + "/2", status: http.StatusOK, body: "<html>portal</html>"}
		p := pullPhishing(t, fakeClient(t, srv, fewRetries, keepnet.WithTransport(portal)), acmeInvoice)
		if len(p.failed) != 1 || !errors.Is(p.failed[0], keepnet.ErrHollowResponse) || !strings.Contains(p.failed[0].Error(), "job "+keepnettest.PhishingAcmeInvoiceID+"/2 summary") {
			t.Fatalf("failed %v; want the second job's summary named", p.failed)
		}
		if len(p.Sources) != 2 || len(p.records) != keepnettest.DefaultJobUsers {
			t.Errorf("%d jobs, %d records; the first job must still be pulled", len(p.Sources), len(p.records))
		}
	})
	t.Run("an event search fails the records that needed it", func(t *testing.T) {
		srv := specFake(t, keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RoutePhishingEventsClicked, Kind: keepnettest.HollowDataNull}))
		req := acmeInvoice
		req.Events = true
		p := pullPhishing(t, fakeClient(t, srv, fewRetries), req)
		failed := 0
		for _, r := range p.records {
			clicked := *r.ClickedCount > 0
			if clicked != (r.Error != "") {
				t.Errorf("row %s clicked %d times, error %q", r.ResourceID, *r.ClickedCount, r.Error)
			}
			if clicked {
				failed++
				if !strings.Contains(r.Error, fmt.Sprintf("clicked events of user row %q", r.ResourceID)) {
					t.Errorf("row %s: error %q does not name the row and the events", r.ResourceID, r.Error)
				}
			}
		}
		if failed == 0 || p.Outcomes()[0].Failed != failed || !errors.Is(p.Err(), workflows.ErrIncomplete) {
			t.Errorf("%d records failed, outcome %+v, err %v", failed, p.Outcomes()[0], p.Err())
		}
	})
	t.Run("a training summary fails its enrollment in its place", func(t *testing.T) {
		srv := specFake(t, keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteReportSummary, Kind: keepnettest.HollowHTML}))
		p := pullTraining(t, fakeClient(t, srv, fewRetries), acmeTraining)
		if len(p.failed) != 1 || !errors.Is(p.failed[0], keepnet.ErrHollowResponse) || len(p.records) != 0 {
			t.Errorf("failed %v, %d records; want the enrollment's hollow summary named", p.failed, len(p.records))
		}
	})
}

// failPath is a transport under which every request whose path ends in
// suffix is answered status with body, as HTML.
type failPath struct {
	base   http.RoundTripper
	suffix string
	status int
	body   string
}

func (f failPath) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, f.suffix) {
		return &http.Response{StatusCode: f.status, Status: http.StatusText(f.status),
			Header: http.Header{"Content-Type": {"text/html"}}, Body: io.NopCloser(strings.NewReader(f.body)), Request: r}, nil
	}
	return f.base.RoundTrip(r)
}

func TestPhishingEventFailureFailsItsRecordAlone(t *testing.T) {
	srv := specFake(t)
	var first keepnettest.JobUser
	for u := range srv.JobUsers(keepnettest.PhishingAcmeInvoiceID, 1) {
		first = u // user 0 always submits
		break
	}
	c := fakeClient(t, srv, keepnet.WithTransport(failPath{base: http.DefaultTransport, suffix: "/search-email-submitted/" + first.ResourceID, status: http.StatusServiceUnavailable}),
		keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 2, BaseDelay: 1, MaxDelay: 1}))
	req := acmeInvoice
	req.Events = true
	p := pullPhishing(t, c, req)
	for _, r := range p.records {
		switch {
		case r.ResourceID == first.ResourceID:
			if !strings.Contains(r.Error, fmt.Sprintf("submitted events of user row %q", first.ResourceID)) || !strings.Contains(r.Error, "503") {
				t.Errorf("row %s: error %q, want its submitted events' 503 named", r.ResourceID, r.Error)
			}
			if len(r.Events) == 0 {
				t.Errorf("row %s lost the events that did come", r.ResourceID)
			}
		case r.Error != "":
			t.Errorf("row %s: error %q; only %s's events failed", r.ResourceID, r.Error, first.ResourceID)
		}
	}
	if o := p.Outcomes(); len(o) != 1 || o[0].Failed != 1 || !errors.Is(p.Err(), workflows.ErrIncomplete) {
		t.Errorf("outcomes %+v, err %v; want one failed record", o, p.Err())
	}
}

// TestPhishingHostileRowID: a user row whose resourceId is no ID at all
// is never followed elsewhere; its record says which row failed.
func TestPhishingHostileRowID(t *testing.T) {
	srv := specFake(t)
	var first keepnettest.JobUser
	for u := range srv.JobUsers(keepnettest.PhishingAcmeInvoiceID, 1) {
		first = u
		break
	}
	const hostile = "k3?query=1"
	c := fakeClient(t, srv, keepnet.WithTransport(&rewriting{
		next:    http.DefaultTransport,
		matches: func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/All/search/") },
		rewrite: func(body []byte) []byte {
			return bytes.Replace(body, []byte(`"resourceId":"`+first.ResourceID+`"`), []byte(`"resourceId":"`+hostile+`"`), 1)
		},
	}), keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 2, BaseDelay: 1, MaxDelay: 1}))
	req := acmeInvoice
	req.Events = true
	p := pullPhishing(t, c, req)
	bad := 0
	for _, r := range p.records {
		if r.ResourceID == hostile {
			bad++
			if !strings.Contains(r.Error, fmt.Sprintf("of user row %q", hostile)) {
				t.Errorf("hostile row's error %q does not name it", r.Error)
			}
		} else if r.Error != "" {
			t.Errorf("row %s: %s", r.ResourceID, r.Error)
		}
	}
	if bad != 1 {
		t.Errorf("%d records of the hostile row, want 1", bad)
	}
	for _, r := range srv.Requests() {
		if r.Route != "" && strings.Contains(r.Path, "query") && r.Status < 400 {
			t.Errorf("%s %s answered %d: the hostile ID reached a record", r.Method, r.Path, r.Status)
		}
	}
}

// TestTrainingStartDateThatCannotBePlaced: an enrollment whose start date
// cannot be read fails in its place, named, and the company's other
// trainings in the window are pulled.
func TestTrainingStartDateThatCannotBePlaced(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv, keepnet.WithTransport(&rewriting{
		next:    http.DefaultTransport,
		matches: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/enrollments/search") },
		rewrite: func(body []byte) []byte {
			// Password Hygiene's start, the only one of 11 January.
			return bytes.Replace(body, []byte(`"startDate":"11/01/2026 09:00"`), []byte(`"startDate":"soon"`), 1)
		},
	}))
	req := quarter
	req.Companies, req.Types = in(keepnettest.CompanyGlobexName), []string{"SCORM", "Infographic"}
	p := pullTraining(t, c, req)
	if len(p.failed) != 1 || !strings.Contains(p.failed[0].Error(), keepnettest.EnrollmentGlobexTrainingName) || !strings.Contains(p.failed[0].Error(), `"soon"`) {
		t.Fatalf("failed %v; want Password Hygiene's unreadable start date named", p.failed)
	}
	if len(p.Sources) != 2 || len(p.records) != 12 || !errors.Is(p.Err(), workflows.ErrIncomplete) {
		t.Errorf("%d sources, %d records, err %v; want the infographic's 12 users and the pull incomplete", len(p.Sources), len(p.records), p.Err())
	}
}

// TestPhishingJobRowThatCannotBeRead: a job search row that does not say
// which job it is fails in its place in a window's pull, rather than a run
// silently missing from it.
func TestPhishingJobRowThatCannotBeRead(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv, keepnet.WithTransport(&rewriting{
		next: http.DefaultTransport,
		matches: func(r *http.Request) bool {
			return strings.HasSuffix(r.URL.Path, "/phishing-campaign-job-report/search")
		},
		rewrite: func(body []byte) []byte {
			var page map[string]any
			if err := json.Unmarshal(body, &page); err != nil {
				return body
			}
			for _, row := range page["data"].(map[string]any)["results"].([]any) {
				if row := row.(map[string]any); row["phishingCampaignResourceId"] == keepnettest.PhishingAcmeInvoiceID && row["instanceGroup"] == 2.0 {
					row["phishingCampaignResourceId"] = nil
				}
			}
			out, _ := json.Marshal(page)
			return out
		},
	}))
	req := quarterJobs
	req.Companies, req.Until = in(keepnettest.CompanyAcmeName), req.Until.AddDate(0, 1, 0)
	p := pullPhishing(t, c, req)
	if len(p.failed) != 1 || !strings.Contains(p.failed[0].Error(), "does not say which job it is") {
		t.Fatalf("failed %v; want the unreadable job row named", p.failed)
	}
	if len(p.records) != keepnettest.DefaultJobUsers || len(p.Sources) != 2 || !errors.Is(p.Err(), workflows.ErrIncomplete) {
		t.Errorf("%d records of %d jobs, err %v; want the first job's %d and the pull incomplete", len(p.records), len(p.Sources), p.Err(), keepnettest.DefaultJobUsers)
	}
	if pr := p.Progress(); pr.Rows != keepnettest.DefaultJobUsers {
		t.Errorf("progress %+v: a job that failed in its place has no rows to wait for", pr)
	}
}
