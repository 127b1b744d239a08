package root_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// overstated is a service that reports more rows than its pages ever give
// for one listing (the path's suffix; one company's, when company is set):
// a listing that cannot be made whole however often it is read.
type overstated struct {
	suffix, company string
	extra           int
}

func (o overstated) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, o.suffix) || (o.company != "" && r.Header.Get("X-KEEPNET-Company-Id") != o.company) {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var page map[string]any
	if json.Unmarshal(body, &page) == nil {
		if data, ok := page["data"].(map[string]any); ok {
			if n, ok := data["totalNumberOfRecords"].(float64); ok {
				data["totalNumberOfRecords"] = n + float64(o.extra)
			}
		}
		body, _ = json.Marshal(page)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func shortOf(suffix, company string) []keepnet.Option {
	return []keepnet.Option{keepnet.WithTransport(overstated{suffix: suffix, company: company, extra: 5}), clitest.FastRetry()}
}

// TestShortSurveyListingWritesWhatItFoundAndExits3: every user the listing
// gave is written, each once, and the run exits 3 naming how many users
// the service reported and how many it gave, and, across companies, which
// company.
func TestShortSurveyListingWritesWhatItFoundAndExits3(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(30))
	code, out, errOut := clitest.RunWith(shortOf("/users/search", ""), clitest.SurveyArgs()...)
	if code != 3 || len(ndjsonRows(t, out)) != 30 {
		t.Fatalf("one company: exit %d, %d records; want 3 and all 30: %s", code, len(ndjsonRows(t, out)), errOut)
	}
	if want := "the service reported 35 users in survey"; !strings.Contains(errOut, want) || !strings.Contains(errOut, "gave only 30") {
		t.Errorf("one company: stderr %q; want %q and how many it gave", errOut, want)
	}

	code, out, errOut = clitest.RunWith(shortOf("/users/search", keepnettest.CompanyGlobexID), "survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName)
	if code != 3 || len(ndjsonRows(t, out)) != 30+12 {
		t.Fatalf("all companies: exit %d, %d records; want 3 and every user found: %s", code, len(ndjsonRows(t, out)), errOut)
	}
	if want := `company "` + keepnettest.CompanyGlobexName + `" (` + keepnettest.CompanyGlobexID + `): the service reported 17 users`; !strings.Contains(errOut, want) {
		t.Errorf("all companies: stderr %q; want %q", errOut, want)
	}
}

// TestShortCompanyListingStopsAllCompanies: "all companies" that cannot be
// shown to be all is never acted on: pulls and rollouts stop before their
// first record or write, exit 1.
func TestShortCompanyListingStopsAllCompanies(t *testing.T) {
	srv := clitest.Fake(t)
	target := filepath.Join(t.TempDir(), "all.ndjson")
	for _, args := range [][]string{
		{"survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName, "-o", target},
		{"survey-report", "--all-companies", "--enrollment", keepnettest.SurveyName, "-o", target},
		{"enroll", "--all-companies", "--skip-missing", "--training", keepnettest.TrainingPhishingName, "--group", keepnettest.GroupFinanceName, "--name", "Short"},
	} {
		srv.ResetRequests()
		code, out, errOut := clitest.RunWith(shortOf("/companies/search", ""), args...)
		if code != 1 || out != "" || !strings.Contains(errOut, "companies/search") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1, nothing written, naming the listing", args, code, out, errOut)
		}
		if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Errorf("%q: %s exists", args, target)
		}
		if n := srv.RequestCount(keepnettest.RouteReportUsersSearch) + clitest.Writes(srv); n != 0 {
			t.Errorf("%q: %d users listed or writes made", args, n)
		}
	}
}

// TestShortListingsPrintNoTable: a discovery command whose listing cannot
// be made whole exits non-zero and prints nothing, rather than a partial
// table that reads as the whole.
func TestShortListingsPrintNoTable(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		suffix string
		args   []string
	}{
		{"/companies/search", []string{"companies"}},
		{"/trainings/search", []string{"trainings", "--company", keepnettest.CompanyAcmeName}},
		{"/target-groups/search/current-company", []string{"groups", "--company", keepnettest.CompanyAcmeName, "-f", "csv"}},
		{"/enrollments/search", []string{"enrollments", "--company", keepnettest.CompanyAcmeName, "-f", "json"}},
	} {
		code, out, errOut := clitest.RunWith(shortOf(tc.suffix, ""), tc.args...)
		if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1, nothing printed, one line", tc.args, code, out, errOut)
		}
	}
}
