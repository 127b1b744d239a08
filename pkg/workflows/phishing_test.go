package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func pullPhishing(t *testing.T, c *keepnet.Client, req workflows.PhishingRequest) pulled[workflows.PhishingRecord] {
	t.Helper()
	p, err := workflows.OpenPhishingResults(context.Background(), c, req)
	return pullWhole(t, p, err)
}

// eventKinds are each channel's event kinds in the order records list
// them.
var eventKinds = map[workflows.Channel][]keepnettest.EventKind{
	workflows.ChannelPhishing: {keepnettest.EventOpened, keepnettest.EventClicked, keepnettest.EventSubmitted, keepnettest.EventAttachmentOpened,
		keepnettest.EventReported, keepnettest.EventReplied, keepnettest.EventMFASubmitted},
	workflows.ChannelSmishing: {keepnettest.EventClicked, keepnettest.EventSubmitted, keepnettest.EventMFASubmitted},
	workflows.ChannelQuishing: {keepnettest.EventOpened, keepnettest.EventClicked, keepnettest.EventSubmitted, keepnettest.EventReported, keepnettest.EventMFASubmitted},
}

// requirePhishingRecords checks a job's records against the fake's users
// of the job, field by field: each user once, in the fake's order unless
// the order was unstable.
func requirePhishingRecords(t *testing.T, srv *keepnettest.Server, records []workflows.PhishingRecord, job keepnettest.Job, events, inOrder bool) {
	t.Helper()
	campaign, _ := srv.Campaign(job.CampaignID)
	ch := workflows.Channel(job.Channel)
	kinds := eventKinds[ch]
	users := map[string]keepnettest.JobUser{}
	var order []string
	for u := range srv.JobUsers(job.CampaignID, job.InstanceGroup) {
		users[u.ResourceID] = u
		order = append(order, u.ResourceID)
	}
	var got []string
	count := func(name string, n *int, kind keepnettest.EventKind, u keepnettest.JobUser) {
		t.Helper()
		if !slices.Contains(kinds, kind) {
			if n != nil && kind != keepnettest.EventReported {
				t.Errorf("user %s: %s count %d on a %s row, which has none", u.ResourceID, name, *n, ch)
			}
			return
		}
		if n == nil || *n != u.Count(kind) {
			t.Errorf("user %s: %s count %v, want %d", u.ResourceID, name, n, u.Count(kind))
		}
	}
	for i, r := range records {
		got = append(got, r.ResourceID)
		u, ok := users[r.ResourceID]
		if !ok {
			t.Errorf("record %d: row %s is not in job %s", i, r.ResourceID, job.Key())
			continue
		}
		if r.CompanyID != job.CompanyID || r.Channel != ch || r.CampaignID != job.CampaignID || r.CampaignName != campaign.Name ||
			r.InstanceGroup != job.InstanceGroup || r.Scenario != campaign.Scenario || r.Test != campaign.ExcludeFromReports || r.JobStartDate.IsZero() {
			t.Errorf("record %d names %s %s %s %q run %d, scenario %q, test %v; want job %s of %q (%q, test %v)", i,
				r.CompanyID, r.Channel, r.CampaignID, r.CampaignName, r.InstanceGroup, r.Scenario, r.Test, job.Key(), campaign.Name, campaign.Scenario, campaign.ExcludeFromReports)
		}
		delivery := "Delivered"
		if !u.Delivered {
			delivery = "Not Delivered"
		}
		phone, groups, system := u.Phone, "", u.SystemActivityType
		switch ch {
		case workflows.ChannelPhishing:
			phone, groups = "", u.TargetGroups
		case workflows.ChannelSmishing:
			system = ""
		}
		if r.FirstName != u.FirstName || r.LastName != u.LastName || r.Email != u.Email || r.Department != u.Department || r.PhoneNumber != phone ||
			r.Status != u.Status || r.Delivery != delivery || r.TargetGroups != groups || r.ActivityType != u.ActivityType ||
			r.SystemActivityType != system || r.ReplyType != u.ReplyType() || !sameDate(r.LastSendingTime, u.SentAt, 0) {
			t.Errorf("record %d = %+v, want %+v", i, r, u)
		}
		count("opened", r.OpenedCount, keepnettest.EventOpened, u)
		count("clicked", r.ClickedCount, keepnettest.EventClicked, u)
		count("submitted", r.SubmittedCount, keepnettest.EventSubmitted, u)
		count("attachment", r.AttachmentOpenedCount, keepnettest.EventAttachmentOpened, u)
		count("reported", r.ReportedCount, keepnettest.EventReported, u)
		count("mfa", r.MFASubmittedCount, keepnettest.EventMFASubmitted, u)
		for _, last := range []struct {
			got  any
			kind keepnettest.EventKind
		}{{r.LastOpenedTime, keepnettest.EventOpened}, {r.LastClickedTime, keepnettest.EventClicked}, {r.LastSubmittedTime, keepnettest.EventSubmitted},
			{r.LastAttachmentOpenedTime, keepnettest.EventAttachmentOpened}, {r.LastReportedTime, keepnettest.EventReported},
			{r.LastMFASubmittedTime, keepnettest.EventMFASubmitted}, {r.ReplySent, keepnettest.EventReplied}} {
			want := u.Last(last.kind)
			if ch != workflows.ChannelPhishing && last.kind == keepnettest.EventReplied {
				want = time.Time{}
			}
			if g := last.got.(interface{ IsZero() bool }); g.IsZero() != want.IsZero() {
				t.Errorf("user %s: last %s %v, want %v", u.ResourceID, last.kind, last.got, want)
			}
		}
		if !events {
			if r.Events != nil {
				t.Errorf("user %s has events without Events", u.ResourceID)
			}
		} else {
			var want []string
			for _, k := range kinds {
				for _, e := range u.Events {
					if e.Kind == k {
						want = append(want, fmt.Sprintf("%s@%s", k, e.Time.Format(time.DateTime)))
					}
				}
			}
			var have []string
			for _, e := range r.Events {
				at, err := e.Time.Time()
				if err != nil {
					t.Errorf("user %s: event time %q: %v", u.ResourceID, e.Time, err)
				}
				have = append(have, fmt.Sprintf("%s@%s", e.Event, at.Format(time.DateTime)))
				if (e.Event == "opened" || e.Event == "clicked") && e.SystemActivityType == "" {
					t.Errorf("user %s: %s event without its activity fields", u.ResourceID, e.Event)
				}
			}
			if strings.Join(have, " ") != strings.Join(want, " ") {
				t.Errorf("user %s events\n %v\nwant\n %v", u.ResourceID, have, want)
			}
		}
		if r.Error != "" {
			t.Errorf("user %s: error %q in a fault-free run", u.ResourceID, r.Error)
		}
	}
	switch {
	case inOrder && strings.Join(got, ",") != strings.Join(order, ","):
		t.Errorf("records of job %s are not the fake's %d users in its order: %d records", job.Key(), len(order), len(got))
	case !sameSet(got, order):
		t.Errorf("records of job %s are not the fake's %d users, each once: %d records", job.Key(), len(order), len(got))
	}
}

// byJob splits records by job, in the order they came.
func byJob(records []workflows.PhishingRecord) map[string][]workflows.PhishingRecord {
	out := map[string][]workflows.PhishingRecord{}
	for _, r := range records {
		key := fmt.Sprintf("%s/%d", r.CampaignID, r.InstanceGroup)
		out[key] = append(out[key], r)
	}
	return out
}

// requireJobs checks a pull's sources against the jobs wanted, and every
// job's records.
func requireJobs(t *testing.T, srv *keepnettest.Server, p pulled[workflows.PhishingRecord], want []keepnettest.Job, events bool) {
	t.Helper()
	if len(p.failed) > 0 || p.Err() != nil {
		t.Fatalf("failed %v, err %v", p.failed, p.Err())
	}
	var got, wantKeys []string
	for _, s := range p.Sources {
		got = append(got, s.ID)
		if s.Summary == nil || s.Details == nil {
			t.Errorf("job %s without its summary or its campaign's details", s.ID)
		}
	}
	for _, j := range want {
		wantKeys = append(wantKeys, j.Key())
	}
	if strings.Join(got, " ") != strings.Join(wantKeys, " ") {
		t.Fatalf("jobs %v, want %v", got, wantKeys)
	}
	records := byJob(p.records)
	for i, j := range want {
		requirePhishingRecords(t, srv, records[j.Key()], j, events, true)
		if n := p.Sources[i].Total(); n != j.Users {
			t.Errorf("job %s: Total() = %d, want %d", j.Key(), n, j.Users)
		}
	}
}

func job(t *testing.T, srv *keepnettest.Server, campaignID string, instanceGroup int) keepnettest.Job {
	t.Helper()
	j, ok := srv.Job(campaignID, instanceGroup)
	if !ok {
		t.Fatalf("no job %s/%d", campaignID, instanceGroup)
	}
	return j
}

func TestPhishingResultsReportWhatTheServerHolds(t *testing.T) {
	srv := specFake(t, keepnettest.WithJobUsers(150), keepnettest.WithPageSizeCap(40))
	c := fakeClient(t, srv)
	for _, events := range []bool{false, true} {
		t.Run(fmt.Sprint("events ", events), func(t *testing.T) {
			srv.ResetRequests()
			p := pullPhishing(t, c, workflows.PhishingRequest{Companies: in(keepnettest.CompanyAcmeName),
				Campaigns: []string{keepnettest.PhishingAcmeInvoiceName}, Events: events, Concurrency: 6})
			requireJobs(t, srv, p, []keepnettest.Job{job(t, srv, keepnettest.PhishingAcmeInvoiceID, 1), job(t, srv, keepnettest.PhishingAcmeInvoiceID, 2)}, events)
			for _, r := range srv.Requests() {
				if r.Route == keepnettest.RoutePhishingJobUsers && !strings.Contains(r.Path, "/All/search/") {
					t.Errorf("%s %s: users come from the All search alone (Submitted is refused)", r.Method, r.Path)
				}
				if r.Status >= 400 {
					t.Errorf("%s %s answered %d", r.Method, r.Path, r.Status)
				}
			}
			if n := srv.RequestCount(keepnettest.RoutePhishingEventsClicked); events != (n > 0) {
				t.Errorf("%d clicked-event searches with Events %v", n, events)
			}
		})
	}
}

func TestSmishingAndQuishingShareTheFlow(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv)
	for _, tt := range []struct {
		ch       workflows.Channel
		campaign string
		id       string
	}{
		{workflows.ChannelSmishing, keepnettest.SmishingAcmeParcelName, keepnettest.SmishingAcmeParcelID},
		{workflows.ChannelQuishing, keepnettest.QuishingAcmeParkingID, keepnettest.QuishingAcmeParkingID},
	} {
		t.Run(string(tt.ch), func(t *testing.T) {
			p := pullPhishing(t, c, workflows.PhishingRequest{Companies: in(keepnettest.CompanyAcmeID), Channel: tt.ch,
				Campaigns: []string{tt.campaign}, Events: true})
			requireJobs(t, srv, p, []keepnettest.Job{job(t, srv, tt.id, 1)}, true)
		})
	}
}

// quarterJobs is a window that holds the seeded jobs of the last quarter
// of 2025 (the seeded world's clock is January 2026).
var quarterJobs = workflows.PhishingRequest{
	Since: time.Date(2025, time.October, 1, 0, 0, 0, 0, time.UTC),
	Until: time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC),
}

func TestPhishingResultsByWindowAcrossCompanies(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(12))
	c := fakeClient(t, srv)
	companies, err := workflows.ListCompanies(context.Background(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, includeTests := range []bool{false, true} {
		t.Run(fmt.Sprint("tests ", includeTests), func(t *testing.T) {
			req := quarterJobs
			req.Companies, req.IncludeTests, req.Concurrency = workflows.CompanySelection{All: true}, includeTests, 6
			p := pullPhishing(t, c, req)
			var want []keepnettest.Job
			var tests, skipped int
			for _, co := range companies {
				var mine []keepnettest.Job
				for _, j := range srv.Jobs(co.ID, keepnettest.ChannelPhishing) {
					campaign, _ := srv.Campaign(j.CampaignID)
					inWindow := !j.StartDate.Before(req.Since) && j.StartDate.Before(req.Until)
					switch {
					case inWindow && campaign.ExcludeFromReports && !includeTests:
						tests++
					case inWindow:
						mine = append(mine, j)
					}
				}
				slices.SortStableFunc(mine, func(a, b keepnettest.Job) int {
					return strings.Compare(a.Name+"\x00"+a.Key(), b.Name+"\x00"+b.Key())
				})
				if len(mine) == 0 {
					skipped++
				}
				want = append(want, mine...)
			}
			requireJobs(t, srv, p, want, false)
			if len(p.Skipped) != skipped || skipped == 0 {
				t.Errorf("%d companies skipped, want %d (the test needs some)", len(p.Skipped), skipped)
			}
			notices := 0
			for _, o := range append(p.Outcomes(), p.Skipped...) {
				for _, n := range o.Notices {
					if strings.Contains(n, "marked as tests") {
						notices += strings.Count(n, "/1)")
					}
				}
			}
			if notices != tests || !includeTests && tests == 0 {
				t.Errorf("%d test jobs named as left out, want %d (the test needs some)", notices, tests)
			}
		})
	}
}

func TestPhishingTestCampaigns(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv)
	named := workflows.PhishingRequest{Companies: in(keepnettest.CompanyAcmeName), Campaigns: []string{keepnettest.PhishingAcmeTestName}}
	_, err := workflows.OpenPhishingResults(context.Background(), c, named)
	var ie *workflows.InputError
	if !errors.As(err, &ie) || ie.Option != "IncludeTests" || !strings.Contains(err.Error(), "marked as a test") {
		t.Fatalf("a test campaign named: %v, want an *InputError pointing to IncludeTests", err)
	}
	named.IncludeTests = true
	requireJobs(t, srv, pullPhishing(t, c, named), []keepnettest.Job{job(t, srv, keepnettest.PhishingAcmeTestID, 1)}, false)

	// Across all companies, the test campaign is left out, and said to be.
	all := workflows.PhishingRequest{Companies: workflows.CompanySelection{All: true}, Campaigns: []string{keepnettest.PhishingAcmeTestName, keepnettest.PhishingAcmeInvoiceName}}
	p := pullPhishing(t, c, all)
	requireJobs(t, srv, p, []keepnettest.Job{job(t, srv, keepnettest.PhishingAcmeInvoiceID, 1), job(t, srv, keepnettest.PhishingAcmeInvoiceID, 2)}, false)
	if n := p.Outcomes()[0].Notices; len(n) == 0 || !strings.Contains(n[0], keepnettest.PhishingAcmeTestID+"/1") {
		t.Errorf("Acme's notices %q, want the test campaign left out", n)
	}
}

func TestOpenPhishingResultsInputErrors(t *testing.T) {
	srv := specFake(t)
	c := fakeClient(t, srv)
	acme := in(keepnettest.CompanyAcmeName)
	tests := []struct {
		name string
		req  workflows.PhishingRequest
		want []string
	}{
		{"typo", workflows.PhishingRequest{Companies: acme, Campaigns: []string{"Invoice Overdue Lore"}},
			[]string{`campaign "Invoice Overdue Lore"`, "did you mean", keepnettest.PhishingAcmeInvoiceID}},
		{"another channel's", workflows.PhishingRequest{Companies: acme, Campaigns: []string{keepnettest.SmishingAcmeParcelName}},
			[]string{keepnettest.SmishingAcmeParcelID, "a smishing campaign, not a phishing one"}},
		{"in no company", workflows.PhishingRequest{Companies: workflows.CompanySelection{All: true}, Campaigns: []string{"Spear Phish 2031"}},
			[]string{"matches no phishing campaign in any of the 3 companies"}},
		{"unknown channel", workflows.PhishingRequest{Companies: acme, Channel: "vishing", Since: quarterJobs.Since}, []string{`channel "vishing"`}},
		{"names and a window", workflows.PhishingRequest{Companies: acme, Campaigns: []string{"x"}, Until: quarterJobs.Until}, []string{"cannot be combined"}},
		{"neither", workflows.PhishingRequest{Companies: acme}, []string{"campaign", "is missing"}},
		{"empty window", workflows.PhishingRequest{Companies: acme, Since: quarterJobs.Until, Until: quarterJobs.Until}, []string{"until", "is not after since"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, err := workflows.OpenPhishingResults(context.Background(), c, tt.req)
			if !isInputError(err) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if n := srv.RequestCount(keepnettest.RoutePhishingJobUsers); n != 0 {
				t.Errorf("%d job users searches before bad input was reported", n)
			}
		})
	}
}

// TestPhishingCampaignThatNeverRan: a campaign without jobs has no
// results; its company is skipped, saying why.
func TestPhishingCampaignThatNeverRan(t *testing.T) {
	srv := specFake(t)
	p := pullPhishing(t, fakeClient(t, srv), workflows.PhishingRequest{Companies: in(keepnettest.CompanyGlobexName), Campaigns: []string{keepnettest.PhishingGlobexDraftName}})
	if len(p.Sources) != 0 || len(p.Skipped) != 1 || !strings.Contains(p.Skipped[0].Skipped, "have no jobs") {
		t.Errorf("sources %v, skipped %+v; want Globex skipped, its campaign having no jobs", p.Sources, p.Skipped)
	}
}

// TestPhishingResultsInTheCompaniesNamed: jobs come company by company in
// the order the companies were named.
func TestPhishingResultsInTheCompaniesNamed(t *testing.T) {
	srv := specFake(t)
	req := quarterJobs
	req.Companies = workflows.CompanySelection{Companies: []string{keepnettest.CompanyGlobexName, keepnettest.CompanyAcmeID, keepnettest.CompanyAcmeEuropeName}}
	p := pullPhishing(t, fakeClient(t, srv), req)
	requireJobs(t, srv, p, []keepnettest.Job{job(t, srv, keepnettest.PhishingGlobexGiftID, 1), job(t, srv, keepnettest.PhishingAcmeInvoiceID, 1)}, false)
	if len(p.Skipped) != 1 || p.Skipped[0].Company.ID != keepnettest.CompanyAcmeEuropeID || !strings.Contains(p.Skipped[0].Skipped, "no phishing job started in the window") {
		t.Errorf("skipped %+v, want Acme Europe, which ran nothing in the window", p.Skipped)
	}
	if o := p.Outcomes(); len(o) != 2 || o[0].Company.ID != keepnettest.CompanyGlobexID || o[1].Company.ID != keepnettest.CompanyAcmeID {
		t.Errorf("outcomes %+v, want Globex then Acme", o)
	}
}
