package keepnettest_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// resultsOf summarises customer k's training and jobs: what the world
// gives it, for comparing worlds.
func resultsOf(s *keepnettest.Server, k int) string {
	id := keepnettest.CustomerID(k)
	out := ""
	for _, e := range s.TrainingEnrollments(id) {
		out += fmt.Sprintf("T %s %s %d due %s;", e.ID, e.Name, e.Users, e.DueDate.Format("2006-01-02"))
	}
	for _, j := range s.Jobs(id, "") {
		out += fmt.Sprintf("J %s %s %d;", j.Key(), j.Channel, j.Users)
	}
	return out
}

func TestCustomersGetVariedTrainingAndJobs(t *testing.T) {
	const n = 30
	s := newServer(t, keepnettest.WithCustomers(n))
	noTraining, noJobs, tests, smishing, quishing, severalJobs := 0, 0, 0, 0, 0, 0
	for k := 1; k <= n; k++ {
		id := keepnettest.CustomerID(k)
		enrollments := s.TrainingEnrollments(id)
		if len(enrollments) == 0 {
			noTraining++
		}
		for _, e := range enrollments {
			if e.Users < 10 || e.Users > 150 || e.Type != "SCORM" || e.DueDate.IsZero() {
				t.Errorf("customer %d: enrollment %+v", k, e)
			}
		}
		jobs := s.Jobs(id, keepnettest.ChannelPhishing)
		if len(jobs) == 0 {
			noJobs++
		}
		perCampaign := map[string]int{}
		for _, j := range jobs {
			perCampaign[j.CampaignID]++
			if j.Users < 5 || j.Users > 150 {
				t.Errorf("customer %d: job %s of %d users", k, j.Key(), j.Users)
			}
		}
		for _, c := range perCampaign {
			if c > 1 {
				severalJobs++
			}
		}
		for _, c := range s.Campaigns(id, "") {
			switch {
			case c.ExcludeFromReports:
				tests++
			case c.Channel == keepnettest.ChannelSmishing:
				smishing++
			case c.Channel == keepnettest.ChannelQuishing:
				quishing++
			}
		}
	}
	if noTraining == 0 || noTraining == n || noJobs == 0 || noJobs == n || tests == 0 || smishing == 0 || quishing == 0 || severalJobs == 0 {
		t.Errorf("customers without training %d, without jobs %d, test campaigns %d, smishing %d, quishing %d, campaigns with several jobs %d: want some of each",
			noTraining, noJobs, tests, smishing, quishing, severalJobs)
	}

	// A customer's jobs, through the API as a flow pulls them.
	for k := 1; k <= n; k++ {
		want := s.Jobs(keepnettest.CustomerID(k), keepnettest.ChannelPhishing)
		if len(want) == 0 {
			continue
		}
		r, err := scoped(t, s, keepnettest.CustomerID(k)).PostPhishingSimulatorPhishingCampaignJobReportSearchWithBodyWithResponse(context.Background(), "application/json", nameSearch(1, 50))
		if err != nil {
			t.Fatal(err)
		}
		if rows := decodePage(t, r.StatusCode(), r.Body).Data.Results; len(rows) != len(want) {
			t.Errorf("customer %d: %d job rows, want %d", k, len(rows), len(want))
		}
		break
	}
}

func TestCustomerResultsAreDeterministicPerSeed(t *testing.T) {
	a := newServer(t, keepnettest.WithCustomers(12))
	b := newServer(t, keepnettest.WithCustomers(12))
	other := newServer(t, keepnettest.WithCustomers(12), keepnettest.WithSeed(99))
	differs := false
	for k := 1; k <= 12; k++ {
		if resultsOf(a, k) != resultsOf(b, k) {
			t.Errorf("customer %d differs under one seed:\n%s\n%s", k, resultsOf(a, k), resultsOf(b, k))
		}
		differs = differs || resultsOf(a, k) != resultsOf(other, k)
	}
	if !differs {
		t.Error("seeds 1 and 99 gave every customer the same results")
	}
	for _, j := range a.Jobs("", "") {
		var ua, ub []keepnettest.JobUser
		for u := range a.JobUsers(j.CampaignID, j.InstanceGroup) {
			ua = append(ua, u)
		}
		for u := range b.JobUsers(j.CampaignID, j.InstanceGroup) {
			ub = append(ub, u)
		}
		if !reflect.DeepEqual(ua, ub) {
			t.Fatalf("job %s: users differ under one seed", j.Key())
		}
	}
}

func TestSizedCustomerWorldsForBenchmarks(t *testing.T) {
	const n = 6
	s := newServer(t, keepnettest.WithCustomers(n), keepnettest.WithPhishingJobs(2, 100), keepnettest.WithCustomerTraining(1, 50))
	for k := 1; k <= n; k++ {
		id := keepnettest.CustomerID(k)
		jobs := s.Jobs(id, "")
		if len(jobs) != 2 || jobs[0].CampaignID != jobs[1].CampaignID || jobs[0].InstanceGroup != 1 || jobs[1].InstanceGroup != 2 ||
			jobs[0].Users != 100 || jobs[1].Users != 100 || jobs[0].Name != keepnettest.CustomerCampaignName {
			t.Errorf("customer %d: jobs %+v, want two runs of %q of 100 users", k, jobs, keepnettest.CustomerCampaignName)
		}
		if e := s.TrainingEnrollments(id); len(e) != 1 || e[0].Users != 50 {
			t.Errorf("customer %d: training %+v, want one enrollment of 50 users", k, e)
		}
	}
	emails := map[string]string{}
	for k := 1; k <= n; k++ {
		j := s.Jobs(keepnettest.CustomerID(k), "")[0]
		for u := range s.JobUsers(j.CampaignID, j.InstanceGroup) {
			if other, dup := emails[u.Email]; dup {
				t.Fatalf("%s is a user of both %s and %s", u.Email, other, j.CompanyID)
			}
			emails[u.Email] = j.CompanyID
		}
	}
}

func TestAddedCampaignsAndJobsAreServed(t *testing.T) {
	s := newServer(t)
	c := s.AddCampaign(keepnettest.CompanyAcmeEuropeID, keepnettest.ChannelPhishing, "Added campaign", false)
	j, ok := s.AddJob(c.ID, 7, s.Jobs("", "")[0].StartDate)
	if !ok || j.InstanceGroup != 1 {
		t.Fatalf("AddJob: %+v, %v", j, ok)
	}
	rows, _ := jobUsers(t, scoped(t, s, keepnettest.CompanyAcmeEuropeID), c.ID, 1, "All")
	if len(rows) != 7 {
		t.Errorf("%d rows of the added job, want 7", len(rows))
	}
}
