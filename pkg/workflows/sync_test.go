package workflows_test

import (
	"cmp"
	"errors"
	"strconv"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/store/storetest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// TestSyncKeepsEveryCustomersResults: a sync brings every company's
// surveys, training and simulations into the database, whole, and a
// re-sync fetches the users of only what may have changed: the running
// job at first, then the training whose users completed and the job that
// ended, then nothing. Every enrollment's and job's summary is recorded
// at every sync.
func TestSyncKeepsEveryCustomersResults(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, e storetest.Engine) {
		// Customer 4 writes its dates month first; some customers run
		// smishing and quishing, and test campaigns.
		srv := specFake(t, keepnettest.WithCustomers(6))
		c := fakeClient(t, srv)
		db := e.Open(t)

		res, err := syncAll(t, c, db, workflows.SyncRequest{})
		if err != nil {
			t.Fatalf("first sync: %v", err)
		}
		requireFakeWorld(t, srv, db)
		requireTrainingUsers(t, srv, db, keepnettest.EnrollmentAcmeTrainingID)
		requireTrainingUsers(t, srv, db, keepnettest.EnrollmentAcmeEuropePathID)
		sources := len(rows(t, db, "SELECT id FROM enrollments")) + len(rows(t, db, "SELECT campaign_id FROM phishing_jobs"))
		if res.SyncID != 1 || res.SourcesFetched != sources || res.SourcesUnchanged != 0 || len(res.Companies) != 9 {
			t.Errorf("first sync %+v, want sync 1 fetching all %d sources of 9 companies", res, sources)
		}
		sameRows(t, "first run", rows(t, db, "SELECT status, companies, companies_failed, sources_fetched FROM sync_runs"),
			[]string{"complete|9|0|" + itoa(sources)})

		// Nothing changed: only the running quishing job is fetched.
		srv.ResetRequests()
		res, err = syncAll(t, c, db, workflows.SyncRequest{})
		if err != nil {
			t.Fatalf("re-sync: %v", err)
		}
		if res.SourcesFetched != 1 || res.SourcesUnchanged != sources-1 || res.Users != 12 {
			t.Errorf("re-sync fetched %d, unchanged %d, %d users; want the running job's 12 users alone", res.SourcesFetched, res.SourcesUnchanged, res.Users)
		}
		routes := countRoutes(srv)
		for _, r := range perUserRoutes {
			if routes[r] != 0 {
				t.Errorf("the re-sync sent %d %s", routes[r], r)
			}
		}
		if n := routes[keepnettest.RouteCompanyGet]; n != 1 {
			t.Errorf("the re-sync read %d companies' date formats, want Acme's alone (its running job's users are fetched)", n)
		}
		requireFakeWorld(t, srv, db)
		sameRows(t, "users kept", rows(t, db, "SELECT DISTINCT fetched_in_sync FROM training_users"), []string{"1"})
		sameRows(t, "summaries", rows(t, db, "SELECT sync_id, COUNT(*) FROM enrollment_summaries GROUP BY sync_id"),
			[]string{"1|" + itoa(len(rows(t, db, "SELECT id FROM enrollments"))), "2|" + itoa(len(rows(t, db, "SELECT id FROM enrollments")))})

		// Three users complete Acme's training, and the quishing job ends.
		if n := srv.CompleteUsers(keepnettest.EnrollmentAcmeTrainingID, 3, later); n != 3 {
			t.Fatalf("%d users completed", n)
		}
		srv.SetJobStatus(keepnettest.QuishingAcmeParkingID, 1, keepnettest.JobCompleted)
		res, err = syncAll(t, c, db, workflows.SyncRequest{})
		if err != nil {
			t.Fatalf("sync after changes: %v", err)
		}
		sameRows(t, "fetched", rows(t, db, `SELECT id FROM enrollments WHERE complete_in_sync = 3
  UNION ALL SELECT campaign_id FROM phishing_jobs WHERE complete_in_sync = 3`),
			[]string{keepnettest.EnrollmentAcmeTrainingID, keepnettest.QuishingAcmeParkingID})
		requireFakeWorld(t, srv, db)
		requireTrainingUsers(t, srv, db, keepnettest.EnrollmentAcmeTrainingID)

		res, err = syncAll(t, c, db, workflows.SyncRequest{})
		if err != nil || res.SourcesFetched != 0 {
			t.Errorf("a sync with nothing changed fetched %d sources (%v)", res.SourcesFetched, err)
		}
		sameRows(t, "trend", rows(t, db, "SELECT sync_id, completed FROM enrollment_summaries WHERE enrollment_id = $1", keepnettest.EnrollmentAcmeTrainingID),
			[]string{"1|14", "2|14", "3|17", "4|17"})

		// Full refetches everything.
		res, err = syncAll(t, c, db, workflows.SyncRequest{Full: true})
		if err != nil || res.SourcesFetched != sources {
			t.Errorf("a full sync fetched %d of %d sources (%v)", res.SourcesFetched, sources, err)
		}
	})
}

// TestSyncRereadsADateFormatThatChanged: half the customers' admins
// switch the order of day and month between two syncs. The service renders
// listing dates in the company's format of the moment, so the re-sync sees
// their dates' texts move: it reads the setting again for each of those
// with an enrollment or a job, and for each company with users to fetch,
// and reads their dates the new way. A company whose dates read as before
// costs no request, and keeps the setting its stored dates were read with.
func TestSyncRereadsADateFormatThatChanged(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(8))
	c := fakeClient(t, srv)
	db := storetest.Engine{Name: "sqlite", Dialect: "sqlite"}.Open(t)
	if _, err := syncAll(t, c, db, workflows.SyncRequest{}); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	withSources := map[string]bool{}
	for _, id := range rows(t, db, "SELECT company_id FROM enrollments UNION SELECT company_id FROM phishing_jobs") {
		withSources[id] = true
	}
	var starts []string
	for _, j := range srv.Jobs("", "") {
		starts = append(starts, j.CampaignID+"|"+strconv.Itoa(j.InstanceGroup)+"|"+j.StartDate.Format("2006-01-02T15:04"))
	}
	before, now := map[string]string{}, map[string]string{}
	for i, co := range srv.Companies() {
		before[co.ID] = cmp.Or(co.DateFormat, keepnettest.DateFormatDayFirst)
		now[co.ID] = before[co.ID]
		if i%2 == 0 {
			now[co.ID] = keepnettest.DateFormatMonthFirst
			if before[co.ID] == keepnettest.DateFormatMonthFirst {
				now[co.ID] = keepnettest.DateFormatDayFirst
			}
			srv.SetCompanyDateFormat(co.ID, now[co.ID])
		}
	}
	srv.ResetRequests()
	res, err := syncAll(t, c, db, workflows.SyncRequest{})
	if err != nil {
		t.Fatalf("re-sync: %v", err)
	}
	var formats []string
	reread, quiet := 0, 0
	for _, o := range res.Companies {
		id := o.Company.ID
		if now[id] != before[id] && withSources[id] || o.SourcesFetched > 0 {
			reread++
			formats = append(formats, id+"|"+now[id])
		} else {
			quiet++
			formats = append(formats, id+"|"+before[id])
		}
	}
	if reread < 2 || quiet < 2 {
		t.Fatalf("%d companies to read again and %d not: the test proves little", reread, quiet)
	}
	if n := countRoutes(srv)[keepnettest.RouteCompanyGet]; n != reread {
		t.Errorf("the re-sync read %d date formats, want %d", n, reread)
	}
	sameRows(t, "job start dates", rows(t, db, "SELECT campaign_id, instance_group, substr(start_at, 1, 16) FROM phishing_jobs"), starts)
	sameRows(t, "stored formats", rows(t, db, "SELECT id, date_format FROM companies"), formats)
	requireFakeWorld(t, srv, db)
}

// TestSyncMarksWhatIsGone: an enrollment the service no longer lists, and
// a company the credentials no longer manage, are marked gone in the
// sync that noticed and kept; listed again, they are not gone any more.
func TestSyncMarksWhatIsGone(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, e storetest.Engine) {
		three := specFake(t, keepnettest.WithCustomers(3))
		db := e.Open(t)
		if _, err := syncAll(t, fakeClient(t, three), db, workflows.SyncRequest{}); err != nil {
			t.Fatal(err)
		}
		// The same reseller a day later: its third customer has left, and
		// Globex's infographic is archived.
		two := specFake(t, keepnettest.WithCustomers(2))
		two.SetEnrollmentStatus(keepnettest.EnrollmentGlobexInfographicID, keepnettest.StatusArchived)
		if _, err := syncAll(t, fakeClient(t, two), db, workflows.SyncRequest{}); err != nil {
			t.Fatal(err)
		}
		sameRows(t, "gone", rows(t, db, `SELECT 'company', id, gone_in_sync FROM companies WHERE gone_in_sync IS NOT NULL
  UNION ALL SELECT 'enrollment', id, gone_in_sync FROM enrollments WHERE gone_in_sync IS NOT NULL`),
			[]string{"company|" + keepnettest.CustomerID(3) + "|2", "enrollment|" + keepnettest.EnrollmentGlobexInfographicID + "|2"})
		sameRows(t, "kept", rows(t, db, "SELECT COUNT(*) FROM training_users WHERE enrollment_id = $1", keepnettest.EnrollmentGlobexInfographicID), []string{"12"})
		requireFakeWorld(t, two, db)

		// A sync of named companies says nothing of the others.
		if _, err := syncAll(t, fakeClient(t, three), db, workflows.SyncRequest{Companies: workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName}}}); err != nil {
			t.Fatal(err)
		}
		sameRows(t, "still gone", rows(t, db, "SELECT id FROM companies WHERE gone_in_sync IS NOT NULL"), []string{keepnettest.CustomerID(3)})
		if _, err := syncAll(t, fakeClient(t, three), db, workflows.SyncRequest{}); err != nil {
			t.Fatal(err)
		}
		sameRows(t, "back", rows(t, db, "SELECT id FROM companies WHERE gone_in_sync IS NOT NULL UNION ALL SELECT id FROM enrollments WHERE gone_in_sync IS NOT NULL"), nil)
		requireFakeWorld(t, three, db)
	})
}

// TestSyncOnlyTheKindsAsked: a sync of some kinds lists and writes only
// those, and marks nothing of the others gone.
func TestSyncOnlyTheKindsAsked(t *testing.T) {
	srv := specFake(t)
	db := storetest.Engine{Name: "sqlite", Dialect: "sqlite"}.Open(t)
	c := fakeClient(t, srv)
	if _, err := syncAll(t, c, db, workflows.SyncRequest{Kinds: []string{"training"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := syncAll(t, c, db, workflows.SyncRequest{Kinds: []string{"Smishing", "survey"}}); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "what was synced", rows(t, db, "SELECT kind, COUNT(*), COUNT(gone_in_sync) FROM enrollments GROUP BY kind UNION ALL SELECT channel, COUNT(*), COUNT(gone_in_sync) FROM phishing_jobs GROUP BY channel"),
		[]string{"survey|3|0", "training|5|0", "smishing|1|0"})
	if n := srv.RequestCount(keepnettest.RouteQuishingJobsSearch); n != 0 {
		t.Errorf("%d quishing job searches for a sync without quishing", n)
	}
	if _, err := syncAll(t, c, db, workflows.SyncRequest{Kinds: []string{"vishing"}}); !isInput(err, "kind") {
		t.Errorf("an unknown kind: %v, want an input error naming the kind", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// isInput reports whether err is an *InputError about field.
func isInput(err error, field string) bool {
	var ie *workflows.InputError
	return errors.As(err, &ie) && ie.Field == field
}
