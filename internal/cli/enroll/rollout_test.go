package enroll_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// rolloutArgs enroll Finance and All Staff in Phishing Fundamentals in the
// companies sel selects. Of the seeded companies, Acme Manufacturing Europe
// has no Finance group.
func rolloutArgs(name string, sel ...string) []string {
	return append([]string{"enroll", "--training", "Phishing Fundamentals", "--group", "Finance", "--group", "All Staff", "--name", name}, sel...)
}

// rolloutRow is a company's row of enroll's JSON result.
type rolloutRow struct {
	Company                   struct{ ID, Name string }
	ID, Status, Action, Error string
}

func TestEnrollRolloutDryRun(t *testing.T) {
	t.Run("a company lacking a group is bad input", func(t *testing.T) {
		srv := clitest.Fake(t)
		code, out, errOut := clitest.Run(append(rolloutArgs("Q3 phishing", "--all-companies"), "--dry-run")...)
		if code != 2 || !strings.Contains(errOut, keepnettest.CompanyAcmeEuropeName) || !strings.Contains(errOut, "--skip-missing") {
			t.Errorf("exit %d, stderr %q; want 2 naming %s and --skip-missing", code, errOut, keepnettest.CompanyAcmeEuropeName)
		}
		if out != "" || clitest.Writes(srv) != 0 {
			t.Errorf("stdout %q, %d writes; want neither", out, clitest.Writes(srv))
		}
	})
	t.Run("skipped with --skip-missing: a row per company", func(t *testing.T) {
		srv := clitest.Fake(t)
		code, out, errOut := clitest.Run(append(rolloutArgs("Q3 phishing", "--all-companies", "--skip-missing"), "--dry-run")...)
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if !strings.Contains(errOut, "skipping 1 of 3 companies") {
			t.Errorf("stderr %q; want the skipped company listed", errOut)
		}
		for _, want := range [][]string{
			{keepnettest.CompanyAcmeID, keepnettest.TrainingPhishingID, keepnettest.GroupAcmeFinanceID + ", " + keepnettest.GroupAcmeAllStaffID, "create"},
			{keepnettest.CompanyAcmeEuropeID, "skip", `group "Finance"`},
			{keepnettest.CompanyGlobexID, keepnettest.TrainingPhishingID, keepnettest.GroupGlobexFinanceID + ", " + keepnettest.GroupGlobexAllStaffID, "create"},
		} {
			if !clitest.HasLineWith(out, want...) {
				t.Errorf("no row with %q in:\n%s", want, out)
			}
		}
		code, out, _ = clitest.Run(append(rolloutArgs("Q3 phishing", "--all-companies", "--skip-missing"), "--dry-run", "-f", "json")...)
		var plan struct {
			DryRun bool
			Plan   struct {
				Companies []struct {
					Company    struct{ ID string }
					Action     string
					TrainingID string
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &plan); err != nil || code != 0 {
			t.Fatalf("exit %d, JSON %v:\n%s", code, err, out)
		}
		if !plan.DryRun || len(plan.Plan.Companies) != 3 || plan.Plan.Companies[1].Action != "skip" {
			t.Errorf("JSON plan = %+v", plan)
		}
		if n := clitest.Writes(srv); n != 0 {
			t.Errorf("dry runs made %d writes", n)
		}
	})
}

func TestEnrollRolloutFromAFileThenRerun(t *testing.T) {
	srv := clitest.Fake(t)
	file := filepath.Join(t.TempDir(), "customers.txt")
	list := "\ufeff# customers on the Q3 programme\n\n" + keepnettest.CompanyAcmeName + "\n  # Globex by ID\n" + keepnettest.CompanyGlobexID + "\r\n"
	if err := os.WriteFile(file, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(rolloutArgs("Q3 phishing", "--companies-file", file), "--format", "json")
	for run, want := range []string{"created", "already sent"} {
		code, out, errOut := clitest.Run(args...)
		if code != 0 {
			t.Fatalf("run %d: exit %d, stderr %q", run, code, errOut)
		}
		var res struct{ Companies []rolloutRow }
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("run %d: not JSON: %v\n%s", run, err, out)
		}
		if len(res.Companies) != 2 || res.Companies[0].Company.ID != keepnettest.CompanyAcmeID || res.Companies[1].Company.ID != keepnettest.CompanyGlobexID {
			t.Fatalf("run %d: rows %+v, want Acme then Globex", run, res.Companies)
		}
		for _, row := range res.Companies {
			if row.Action != want || row.ID == "" {
				t.Errorf("run %d: %s %q (%s), want %q", run, row.Company.Name, row.Action, row.ID, want)
			}
		}
	}
	for _, id := range []string{keepnettest.CompanyAcmeID, keepnettest.CompanyGlobexID} {
		var sent int
		for _, e := range srv.Enrollments() {
			if e.CompanyID == id && e.Name == "Q3 phishing" {
				sent += e.SendCount
			}
		}
		if sent != 1 {
			t.Errorf("company %s: %d sends of the enrollment, want exactly 1", id, sent)
		}
	}
}

func TestEnrollRolloutBadSelection(t *testing.T) {
	srv := clitest.Fake(t)
	empty := filepath.Join(t.TempDir(), "empty.txt")
	if err := os.WriteFile(empty, []byte("# nobody yet\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		sel      []string
		mentions string
	}{
		{"no company at all", nil, "company"},
		{"all and named", []string{"--all-companies", "--company", keepnettest.CompanyAcmeName}, "all-companies"},
		{"a file with no names", []string{"--companies-file", empty}, "names no company"},
		{"a file that is not there", []string{"--companies-file", filepath.Join(t.TempDir(), "none.txt")}, "cannot be read"},
		{"two unknown companies", []string{"--company", "Umbrella Labs", "--company", keepnettest.CompanyGlobexName, "--company", "Vandelay Imports"}, "Vandelay Imports"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := clitest.Run(rolloutArgs("Q3 phishing", tc.sel...)...)
			if code != 2 || !strings.Contains(errOut, tc.mentions) {
				t.Errorf("exit %d, stderr %q; want 2 mentioning %q", code, errOut, tc.mentions)
			}
		})
	}
	if n := clitest.Writes(srv); n != 0 {
		t.Errorf("%d writes on bad input", n)
	}
}

func TestEnrollRolloutOneCompanyRefusedExits1ThenConverges(t *testing.T) {
	srv := clitest.Fake(t)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	// Globex's creates are refused before the service acts: that company
	// fails, and the others must still be enrolled.
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/enrollments" && r.Header.Get("X-KEEPNET-Company-Id") == keepnettest.CompanyGlobexID {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"status":"INPUT_ERROR","message":"Licence limit reached"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	t.Setenv(keepnet.EnvBaseURL, front.URL)
	args := rolloutArgs("Q3 phishing", "--company", keepnettest.CompanyAcmeName, "--company", keepnettest.CompanyGlobexName)
	code, out, errOut := clitest.Run(args...)
	if code != 1 || !strings.Contains(errOut, "failed in 1 of 2 companies") || !strings.Contains(errOut, "Licence limit reached") {
		t.Errorf("exit %d, stderr %q; want 1, with Globex's failure", code, errOut)
	}
	if !clitest.HasLineWith(out, keepnettest.CompanyAcmeID, "created") || !clitest.HasLineWith(out, keepnettest.CompanyGlobexID, "failed", "Licence limit reached") {
		t.Errorf("stdout lacks a row per company:\n%s", out)
	}

	t.Setenv(keepnet.EnvBaseURL, srv.URL)
	code, out, errOut = clitest.Run(args...)
	if code != 0 {
		t.Fatalf("rerun: exit %d, stderr %q", code, errOut)
	}
	if !clitest.HasLineWith(out, keepnettest.CompanyAcmeID, "already sent") || !clitest.HasLineWith(out, keepnettest.CompanyGlobexID, "created") {
		t.Errorf("rerun:\n%s", out)
	}
	if created := srv.CreatedEnrollments(); len(created) != 2 || created[0].SendCount != 1 || created[1].SendCount != 1 {
		t.Errorf("created %+v, want one per company, each sent once", created)
	}
}

func TestEnrollOneCompanyKeepsItsOutput(t *testing.T) {
	// The one-company form prints what it always did, not a table.
	clitest.Fake(t)
	code, out, errOut := clitest.Run(rolloutArgs("Q3 phishing", "--company", keepnettest.CompanyGlobexName)...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.HasPrefix(out, "Done:") || strings.Contains(out, "COMPANY ID") {
		t.Errorf("output:\n%s", out)
	}
}

func TestEnrollRolloutDryRunOfACompanyThatCannotBePlannedExits1(t *testing.T) {
	srv := clitest.Fake(t)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/trainings/search" && r.Header.Get("X-KEEPNET-Company-Id") == keepnettest.CompanyGlobexID {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"status":"INPUT_ERROR","message":"Company is being migrated"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	t.Setenv(keepnet.EnvBaseURL, front.URL)
	code, out, errOut := clitest.Run(append(rolloutArgs("Q3 phishing", "--company", keepnettest.CompanyAcmeName, "--company", keepnettest.CompanyGlobexName), "--dry-run")...)
	if code != 1 || !strings.Contains(errOut, "could not be made in 1 of 2 companies") {
		t.Errorf("exit %d, stderr %q; want 1, naming the company that could not be planned", code, errOut)
	}
	if !clitest.HasLineWith(out, keepnettest.CompanyAcmeID, "create") || !clitest.HasLineWith(out, keepnettest.CompanyGlobexID, "failed", "being migrated") {
		t.Errorf("stdout lacks a row per company:\n%s", out)
	}
	if n := clitest.Writes(srv); n != 0 {
		t.Errorf("a dry run made %d writes", n)
	}
}
