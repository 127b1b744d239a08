package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Issue 19: every listing the flows read is whole, with no row twice, or a
// loud failure, whatever the order the service pages in and however the
// listing changes while it is paged. Each listing is checked against the
// fake's own world with a stable service (the rows in the service's order,
// as before), with an order that moves on every request (every row ties),
// with rows that tie in runs, and with rows added, removed and moved after
// the first page.

// services are the paging behaviours every listing is tried under; route
// is the listing's search, for the change.
//
// The change is made to listing (see keepnettest.ListingChange), which
// must run past one page: a listing read whole from its first page is over
// before anything changes.
func services(route, listing string) map[string][]keepnettest.Option {
	return map[string][]keepnettest.Option{
		"stable":   nil,
		"unstable": {keepnettest.WithUnstableOrder(7)},
		"ties":     {keepnettest.WithUnstableTies(7, 20)},
		"changing": {keepnettest.WithListingChanges(keepnettest.ListingChange{Route: route, Listing: listing, AfterPage: 1, Add: 3, Remove: 2, Move: 4})},
	}
}

// requireWhole checks that got holds every ID of want once, in want's order
// when the service is stable, and nothing else but rows a change removed
// after they were read.
func requireWhole(t *testing.T, srv *keepnettest.Server, name string, got, want []string) {
	t.Helper()
	removed := map[string]bool{}
	if name == "changing" && len(srv.AppliedChanges()) == 0 {
		t.Fatal("nothing changed while the listing was paged: the test proves nothing")
	}
	for _, c := range srv.AppliedChanges() {
		for _, id := range c.Removed {
			removed[id] = true
		}
	}
	if name == "stable" && !slices.Equal(got, want) {
		t.Fatalf("stable service: %d rows, not the service's %d in its order", len(got), len(want))
	}
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
		if seen[id] == 2 {
			t.Errorf("%s listed twice", id)
		}
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("%s missing", id)
		}
	}
	for id := range seen {
		if !slices.Contains(want, id) && !removed[id] {
			t.Errorf("%s listed, but the service has no such row", id)
		}
	}
}

// loud fails the test on a listing the service's pages could have given
// whole: these services lose no row for good, so the repair passes must
// find every one (a *workflows.ListingError is for services that do).
func loud(t *testing.T, err error) {
	t.Helper()
	var le *workflows.ListingError
	if errors.As(err, &le) {
		t.Fatalf("a listing that could be repaired was not: %v", err)
	}
	t.Fatalf("err = %v, want the listing whole", err)
}

func TestCompaniesListingIsWhole(t *testing.T) {
	for name, opts := range services(keepnettest.RouteCompaniesSearch, "") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := specFake(t, append(opts, keepnettest.WithCustomers(152))...)
			got, err := workflows.ListCompanies(context.Background(), fakeClient(t, srv), "")
			if err != nil {
				loud(t, err)
				return
			}
			var want []string
			for _, co := range srv.Companies() {
				if co.Managed {
					want = append(want, co.ID)
				}
			}
			requireWhole(t, srv, name, idsOf(got, func(c workflows.Company) string { return c.ID }), want)
		})
	}
}

func TestCatalogListingsAreWhole(t *testing.T) {
	acme := keepnettest.CompanyAcmeID
	for _, l := range []struct {
		route string
		seed  func(*keepnettest.Server)
		list  func(*keepnet.ScopedClient) ([]string, error)
		want  func(*keepnettest.Server) []string
	}{{
		route: keepnettest.RouteTargetGroupsSearch,
		seed: func(srv *keepnettest.Server) {
			for i := range 180 {
				srv.AddGroup(acme, fmt.Sprintf("Example Team %03d", i), 5)
			}
		},
		list: func(s *keepnet.ScopedClient) ([]string, error) {
			gs, err := workflows.ListTargetGroups(context.Background(), s, "")
			return idsOf(gs, func(g workflows.TargetGroup) string { return g.ID }), err
		},
		want: func(srv *keepnettest.Server) []string {
			return idsOf(srv.Groups(acme), func(g keepnettest.Group) string { return g.ID })
		},
	}, {
		route: keepnettest.RouteTrainingsSearch,
		seed: func(srv *keepnettest.Server) {
			for i := range 180 {
				srv.AddTraining(fmt.Sprintf("Example Module %03d", i), "SCORM")
			}
		},
		list: func(s *keepnet.ScopedClient) ([]string, error) {
			ts, err := workflows.ListTrainings(context.Background(), s, "")
			return idsOf(ts, func(t workflows.Training) string { return t.ID }), err
		},
		want: func(srv *keepnettest.Server) []string {
			return idsOf(srv.Trainings(), func(t keepnettest.Training) string { return t.ID })
		},
	}, {
		route: keepnettest.RouteEnrollmentsSearch,
		seed: func(srv *keepnettest.Server) {
			for i := range 180 {
				srv.AddSurvey(acme, "Example Pulse "+strconv.Itoa(i), 1)
			}
		},
		list: func(s *keepnet.ScopedClient) ([]string, error) {
			es, err := workflows.ListEnrollments(context.Background(), s, workflows.EnrollmentQuery{})
			return idsOf(es, func(e workflows.Enrollment) string { return e.ID }), err
		},
		want: func(srv *keepnettest.Server) []string {
			var out []string
			for _, e := range srv.Enrollments() {
				if e.CompanyID == acme && e.Status != "Archived" {
					out = append(out, e.ID)
				}
			}
			return out
		},
	}} {
		for name, opts := range services(l.route, "") {
			t.Run(l.route+"/"+name, func(t *testing.T) {
				t.Parallel()
				srv := specFake(t, opts...)
				l.seed(srv)
				got, err := l.list(fakeClient(t, srv).ForCompany(acme))
				if err != nil {
					loud(t, err)
					return
				}
				want := l.want(srv)
				if name != "stable" {
					slices.Sort(want)
					requireWhole(t, srv, name, got, want)
					return
				}
				// The service's order is its own sort, not the fake's
				// store order: compare as sets, then check no repeat.
				sorted := slices.Sorted(slices.Values(got))
				slices.Sort(want)
				requireWhole(t, srv, "as a set", sorted, want)
			})
		}
	}
}

// TestSurveyUsersAreWhole: a survey pull, one company and across companies,
// writes every user once whatever the paging, and fetches each user's data
// once.
func TestSurveyUsersAreWhole(t *testing.T) {
	for name, opts := range services(keepnettest.RouteReportUsersSearch, keepnettest.EnrollmentAcmeSurveyID) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := specFake(t, append(opts, keepnettest.WithUsers(350), keepnettest.WithCustomers(6))...)
			c := fakeClient(t, srv)
			pull, records, failed := pullSurveys(t, c, allSurveys)
			for _, f := range failed {
				loud(t, f)
			}
			if len(failed) > 0 {
				return
			}
			for _, src := range pull.Sources {
				var got, want []string
				for _, r := range records {
					if r.EnrollmentID == src.ID {
						got = append(got, r.TargetUserResourceID)
					}
				}
				for u := range srv.Users(src.ID) {
					want = append(want, u.ID)
				}
				requireWhole(t, srv, name, got, want)
			}
			// A repair pass never fetches a user's data twice.
			if n, users := srv.RequestCount(keepnettest.RouteReportExamSessions), len(records); n != users {
				t.Errorf("%d answers requests for %d users", n, users)
			}
		})
	}
}

func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// TestEnrollLooksUpNamesWhole: the enroll flow's look-ups by name read a
// listing of many pages (a name that many others contain) whole under an
// order that moves, so a rerun finds the enrollment it made and creates no
// second one; and a listing that runs away stops the run before any write,
// never read as "none exists".
func TestEnrollLooksUpNamesWhole(t *testing.T) {
	seed := func(srv *keepnettest.Server) {
		for i := 2; i < 182; i++ {
			srv.AddSurvey(keepnettest.CompanyAcmeID, "Example Pulse 1"+strconv.Itoa(i), 1)
		}
	}
	t.Run("unstable order", func(t *testing.T) {
		srv, c := startEnrollFake(t, keepnettest.WithUnstableOrder(3))
		seed(srv)
		req := acmeRequest("Example Pulse 1")
		for run, want := range []workflows.Action{workflows.ActionCreate, workflows.ActionAlreadySent} {
			res, err := workflows.Enroll(context.Background(), c, req)
			if err != nil || res.Action != want {
				t.Fatalf("run %d: %v, %v; want %s", run, res.Action, err, want)
			}
		}
		requireOneSent(t, srv, keepnettest.CompanyAcmeID, req.Name)
	})
	t.Run("repeating pages", func(t *testing.T) {
		srv, c := startEnrollFake(t, keepnettest.WithRepeatingPages(keepnettest.RouteEnrollmentsSearch))
		seed(srv)
		_, err := workflows.Enroll(context.Background(), c, acmeRequest("Example Pulse 1"))
		if err == nil {
			t.Fatal("enrolled on a listing that repeats its first page")
		}
		if !strings.Contains(err.Error(), "the listing does not end") {
			t.Errorf("err = %v, want the listing stopped as one that runs away", err)
		}
		if n := len(srv.CreatedEnrollments()); n != 0 {
			t.Errorf("%d enrollments created after a listing that could not be read", n)
		}
	})
}

// TestEndlessUsersStop: users/search answering new users on every page,
// forever, while the survey's summary says how many there are, stops early
// with both numbers named, unless the request lets it run on.
func TestEndlessUsersStop(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(12), keepnettest.WithEndlessPages(keepnettest.RouteReportUsersSearch))
	pull, err := openSurvey(context.Background(), fakeClient(t, srv), acmeSurvey)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var final error
	for _, err := range pull.Users(context.Background()) {
		if err != nil {
			final = err
			break
		}
		n++
	}
	if final == nil || !strings.Contains(final.Error(), "promised 12") {
		t.Fatalf("%d users, then %v; want the listing stopped naming the 12 promised", n, final)
	}
	if pages := srv.RequestCount(keepnettest.RouteReportUsersSearch); pages > 3 {
		t.Errorf("%d users/search pages before stopping", pages)
	}
}

// TestRunawayListingsStop: a listing that repeats its first page, or sends
// new rows forever, stops within a few pages with an error naming the
// listing, for every listing the flows read.
func TestRunawayListingsStop(t *testing.T) {
	acme := keepnettest.CompanyAcmeID
	for _, route := range []string{keepnettest.RouteCompaniesSearch, keepnettest.RouteTrainingsSearch, keepnettest.RouteTargetGroupsSearch, keepnettest.RouteEnrollmentsSearch} {
		for name, opt := range map[string]keepnettest.Option{"repeating": keepnettest.WithRepeatingPages(route), "endless": keepnettest.WithEndlessPages(route)} {
			t.Run(route+"/"+name, func(t *testing.T) {
				t.Parallel()
				srv := specFake(t, opt, keepnettest.WithCustomers(152))
				for i := range 150 {
					srv.AddGroup(acme, fmt.Sprintf("Example Team %03d", i), 1)
					srv.AddTraining(fmt.Sprintf("Example Module %03d", i), "SCORM")
					srv.AddSurvey(acme, fmt.Sprintf("Example Pulse %03d", i), 1)
				}
				c := fakeClient(t, srv)
				var err error
				switch route {
				case keepnettest.RouteCompaniesSearch:
					_, err = workflows.ListCompanies(context.Background(), c, "")
				case keepnettest.RouteTrainingsSearch:
					_, err = workflows.ListTrainings(context.Background(), c.ForCompany(acme), "")
				case keepnettest.RouteTargetGroupsSearch:
					_, err = workflows.ListTargetGroups(context.Background(), c.ForCompany(acme), "")
				default:
					_, err = workflows.ListEnrollments(context.Background(), c.ForCompany(acme), workflows.EnrollmentQuery{})
				}
				if err == nil || !strings.Contains(err.Error(), "the listing does not end") {
					t.Fatalf("err = %v, want the listing stopped", err)
				}
				if n := srv.RequestCount(route); n > 4 {
					t.Errorf("%d pages before stopping", n)
				}
			})
		}
	}
}
