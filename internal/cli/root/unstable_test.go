package root_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// listingRun is a command whose output is a set of rows, and how to read
// each row's key.
type listingRun struct {
	name string
	args []string
	// rows splits the output into rows keyed by ID; a JSON array's
	// elements by "id", ndjson's lines by company and user.
	rows func(t *testing.T, out string) map[string]string
	// survey: a pull, which writes what it found and exits 3 when a
	// listing stays short; the listings write nothing and exit 1.
	survey bool
}

var unstableRuns = []listingRun{
	{"companies", []string{"companies", "-f", "json"}, jsonRows, false},
	{"trainings", []string{"trainings", "--company", keepnettest.CompanyAcmeName, "-f", "json"}, jsonRows, false},
	{"groups", []string{"groups", "--company", keepnettest.CompanyAcmeName, "-f", "json"}, jsonRows, false},
	{"enrollments", []string{"enrollments", "--company", keepnettest.CompanyAcmeName, "-f", "json"}, jsonRows, false},
	{"users of one company", clitest.SurveyArgs(), ndjsonRows, true},
	{"users of many companies", []string{"survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName}, ndjsonRows, true},
}

// TestListingsUnderAnUnstableOrder: a service whose pages are cut from an
// order that moves gives every listing whole, each row once, as a stable
// one does, or the run says it could not.
func TestListingsUnderAnUnstableOrder(t *testing.T) {
	world := []keepnettest.Option{keepnettest.WithCustomers(8), keepnettest.WithUsers(40), keepnettest.WithPageSizeCap(3)}
	stable := map[string]map[string]string{}
	clitest.Fake(t, world...)
	for _, r := range unstableRuns {
		code, out, errOut := clitest.Run(append([]string{"--quiet"}, r.args...)...)
		if code != 0 {
			t.Fatalf("%s, stable: exit %d: %s", r.name, code, errOut)
		}
		stable[r.name] = r.rows(t, out)
	}
	for _, seed := range []uint64{1, 2, 3} {
		clitest.Fake(t, append(world, keepnettest.WithUnstableOrder(seed))...)
		for _, r := range unstableRuns {
			code, out, errOut := clitest.Run(append([]string{"--quiet"}, r.args...)...)
			wholeOrLoud(t, fmt.Sprintf("%s, seed %d", r.name, seed), r, code, out, errOut, stable[r.name], nil)
		}
	}
}

// TestListingsThatChangeWhilePaged: rows added, removed and moved while a
// listing is paged. A run gives every row the service then holds, each
// once (a row removed after it was read may stay), or says it could not.
func TestListingsThatChangeWhilePaged(t *testing.T) {
	change := func(route, listing string) keepnettest.Option {
		return keepnettest.WithListingChanges(keepnettest.ListingChange{Route: route, Listing: listing, AfterPage: 1, Add: 2, Remove: 1, Move: 2})
	}
	cases := map[string][]keepnettest.Option{
		"companies": {change(keepnettest.RouteCompaniesSearch, "")},
		"trainings": {change(keepnettest.RouteTrainingsSearch, keepnettest.CompanyAcmeID)},
		// Acme has three groups and three enrollments: pages of two run
		// past the first page, where one read whole from it is over
		// before anything changes.
		"groups":                  {change(keepnettest.RouteTargetGroupsSearch, keepnettest.CompanyAcmeID), keepnettest.WithPageSizeCap(2)},
		"enrollments":             {change(keepnettest.RouteEnrollmentsSearch, keepnettest.CompanyAcmeID), keepnettest.WithPageSizeCap(2)},
		"users of one company":    {change(keepnettest.RouteReportUsersSearch, keepnettest.EnrollmentAcmeSurveyID)},
		"users of many companies": {change(keepnettest.RouteReportUsersSearch, keepnettest.EnrollmentGlobexSurveyID), change(keepnettest.RouteCompaniesSearch, "")},
	}
	for _, r := range unstableRuns {
		t.Run(r.name, func(t *testing.T) {
			// Pages of three unless the case says otherwise (a later
			// option wins).
			world := []keepnettest.Option{keepnettest.WithCustomers(4), keepnettest.WithUsers(40), keepnettest.WithPageSizeCap(3)}
			srv := clitest.Fake(t, append(world, cases[r.name]...)...)
			code, out, errOut := clitest.Run(append([]string{"--quiet"}, r.args...)...)
			applied := srv.AppliedChanges()
			if len(applied) == 0 {
				t.Fatal("no change was made while the listing was paged: the test proves nothing")
			}
			var removed []string
			for _, a := range applied {
				removed = append(removed, a.Removed...)
			}
			// The world holds still now: a second run lists it as it is.
			code2, now, errOut2 := clitest.Run(append([]string{"--quiet"}, r.args...)...)
			if code2 != 0 {
				t.Fatalf("rerun of the changed world: exit %d: %s", code2, errOut2)
			}
			wholeOrLoud(t, r.name, r, code, out, errOut, r.rows(t, now), removed)
		})
	}
}

// wholeOrLoud checks one run against the rows the service holds: exit 0
// with each of them once, and nothing else but rows removed while it ran;
// or a loud failure: a listing writes nothing and exits 1, a pull writes
// what it found (each once) and exits 3 saying how many users the service
// reported and how many it gave.
func wholeOrLoud(t *testing.T, what string, r listingRun, code int, out, errOut string, want map[string]string, removed []string) {
	t.Helper()
	switch {
	case code == 0:
		got := r.rows(t, out)
		for id := range want {
			if _, ok := got[id]; !ok {
				t.Errorf("%s: exit 0 without %s", what, id)
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok && !slices.ContainsFunc(removed, func(r string) bool { return strings.HasSuffix(id, r) }) {
				t.Errorf("%s: exit 0 with %s, which the service does not hold", what, id)
			}
		}
	case r.survey:
		r.rows(t, out) // each once
		if code != 3 || !strings.Contains(errOut, "the service reported") {
			t.Errorf("%s: exit %d, stderr %q; want 0, or 3 and the counts", what, code, errOut)
		}
	default:
		if code != 1 || out != "" {
			t.Errorf("%s: exit %d, %d bytes written; want 0, or 1 and nothing written", what, code, len(out))
		}
	}
}

// jsonRows keys a JSON array's elements by their "id".
func jsonRows(t *testing.T, out string) map[string]string {
	t.Helper()
	var rows []json.RawMessage
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	m := map[string]string{}
	for _, raw := range rows {
		var row struct{ ID string }
		if err := json.Unmarshal(raw, &row); err != nil || row.ID == "" {
			t.Fatalf("row without an id: %s", raw)
		}
		if _, dup := m[row.ID]; dup {
			t.Errorf("%s listed twice", row.ID)
		}
		m[row.ID] = string(raw)
	}
	return m
}

// ndjsonRows keys survey records by company and user.
func ndjsonRows(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for line := range strings.Lines(out) {
		var rec struct {
			CompanyID string `json:"companyId"`
			UserID    string `json:"targetUserResourceId"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.UserID == "" {
			t.Fatalf("not a record: %q", line)
		}
		key := rec.CompanyID + "/" + rec.UserID
		if _, dup := m[key]; dup {
			t.Errorf("user %s written twice", key)
		}
		m[key] = line
	}
	return m
}
