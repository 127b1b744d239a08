package surveyresults_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

var allSurveyArgs = []string{"survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName}

// surveyRunWith runs the program with extra client options (a transport
// that breaks one company, say) and fast retries.
func surveyRunWith(opts []keepnet.Option, args ...string) (code int, stdout, stderr string) {
	return clitest.RunWith(append([]keepnet.Option{keepnet.WithRetry(keepnet.RetryPolicy{
		MaxAttempts: 3, MaxElapsed: 10 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
	})}, opts...), args...)
}

// ndjsonRecords reads survey-results' ndjson output.
func ndjsonRecords(t *testing.T, out string) []workflows.SurveyRecord {
	t.Helper()
	var recs []workflows.SurveyRecord
	for line := range strings.Lines(out) {
		var r workflows.SurveyRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not an ndjson record: %v: %q", err, line)
		}
		recs = append(recs, r)
	}
	return recs
}

// companiesOf lists the companies of the records, each once, in order.
func companiesOf(recs []workflows.SurveyRecord) []string {
	var ids []string
	for _, r := range recs {
		if len(ids) == 0 || ids[len(ids)-1] != r.CompanyID {
			ids = append(ids, r.CompanyID)
		}
	}
	return ids
}

func TestSurveyResultsAllCompanies(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(9))
	code, out, errOut := clitest.Run(allSurveyArgs...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	recs := ndjsonRecords(t, out)
	if len(recs) != 9+12 {
		t.Errorf("%d records, want Acme's 9 and Globex's 12", len(recs))
	}
	if got := strings.Join(companiesOf(recs), " "); got != keepnettest.CompanyAcmeID+" "+keepnettest.CompanyGlobexID {
		t.Errorf("records come from %s, want Acme's then Globex's, each company once", got)
	}
	for _, r := range recs {
		if r.CompanyName == "" || r.Error != "" {
			t.Errorf("record %+v: no company name, or an error in a fault-free run", r)
		}
	}
	for _, want := range []string{
		"skipping 1 of 3 companies", keepnettest.CompanyAcmeEuropeName, // the notice
		"21 users of 2 companies", keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName, // the summary
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestSurveyResultsCompaniesFileAndFlags(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(4))
	file := filepath.Join(t.TempDir(), "customers.txt")
	list := "# customers of the Q1 programme\n\n  " + keepnettest.CompanyGlobexName + "  \n# Acme again, by ID: pulled once\n" + keepnettest.CompanyAcmeID + "\n"
	if err := os.WriteFile(file, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := clitest.Run("survey-results", "--company", keepnettest.CompanyAcmeName, "--companies-file", file,
		"--enrollment", keepnettest.SurveyName, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var doc struct {
		Companies []struct {
			Company    workflows.Company        `json:"company"`
			Enrollment surveyout.Enrollment     `json:"enrollment"`
			Summary    json.RawMessage          `json:"summary"`
			Users      []workflows.SurveyRecord `json:"users"`
		} `json:"companies"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if len(doc.Companies) != 2 {
		t.Fatalf("%d groups, want Acme's and Globex's: %s", len(doc.Companies), out)
	}
	for i, want := range []struct {
		company, enrollment string
		users               int
	}{{keepnettest.CompanyAcmeID, keepnettest.EnrollmentAcmeSurveyID, 4}, {keepnettest.CompanyGlobexID, keepnettest.EnrollmentGlobexSurveyID, 12}} {
		g := doc.Companies[i]
		if g.Company.ID != want.company || g.Enrollment.ID != want.enrollment || len(g.Summary) == 0 || len(g.Users) != want.users {
			t.Errorf("group %d = %s/%s with %d users, want %s/%s with %d and a summary", i, g.Company.ID, g.Enrollment.ID, len(g.Users), want.company, want.enrollment, want.users)
		}
		for _, u := range g.Users {
			if u.CompanyID != g.Company.ID || u.CompanyName != g.Company.Name {
				t.Errorf("record names %s/%s in the group of %s", u.CompanyID, u.CompanyName, g.Company.ID)
			}
		}
	}
}

func TestSurveyResultsAcrossCompaniesBadInput(t *testing.T) {
	clitest.Fake(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("# nobody yet\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "out.ndjson")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"named company without the survey", []string{"--company", keepnettest.CompanyAcmeName, "--company", keepnettest.CompanyAcmeEuropeName, "--enrollment", keepnettest.SurveyName},
			[]string{keepnettest.CompanyAcmeEuropeName, keepnettest.CompanyAcmeEuropeID}},
		{"ambiguous in one of all companies", []string{"--all-companies", "--enrollment", "Culture"},
			[]string{keepnettest.CompanyAcmeName, "ambiguous", keepnettest.EnrollmentAcmePilotID, keepnettest.EnrollmentAcmeSurveyID}},
		{"survey in no company", []string{"--all-companies", "--enrollment", "Onboarding Quiz"}, []string{"Onboarding Quiz", "no survey"}},
		{"all companies and a company", []string{"--all-companies", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName}, []string{"all-companies", "cannot be combined"}},
		{"no company", []string{"--enrollment", keepnettest.SurveyName}, []string{"--company", "--all-companies"}},
		{"companies file missing", []string{"--companies-file", filepath.Join(dir, "none.txt"), "--enrollment", keepnettest.SurveyName}, []string{"companies-file", "none.txt"}},
		{"companies file names nobody", []string{"--companies-file", empty, "--enrollment", keepnettest.SurveyName}, []string{"companies-file", "names no company"}},
		{"resume to stdout", []string{"--all-companies", "--enrollment", keepnettest.SurveyName, "--resume"}, []string{"resume", "-o FILE"}},
		{"unknown company in a list", []string{"--company", keepnettest.CompanyAcmeName, "--company", "Umbrella Corp", "--enrollment", keepnettest.SurveyName, "-o", target},
			[]string{`"Umbrella Corp"`}},
		{"ambiguous with --resume", []string{"--all-companies", "--enrollment", "Culture", "-o", target, "--resume"}, []string{"ambiguous"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := clitest.Run(append([]string{"survey-results"}, tt.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errOut)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("stderr = %q, want one line", errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not mention %q", errOut, w)
				}
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing written", out)
			}
			for _, path := range []string{target, target + ".journal"} {
				if _, err := os.Stat(path); !os.IsNotExist(err) {
					t.Errorf("%s exists after bad input", path)
				}
			}
		})
	}
}

func TestSurveyResultsOneCompanyFailingExits3(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(6))
	target := filepath.Join(t.TempDir(), "all.ndjson")
	code, _, errOut := surveyRunWith([]keepnet.Option{keepnet.WithTransport(clitest.BreakCompany{CompanyID: keepnettest.CompanyAcmeID})},
		append(allSurveyArgs, "-o", target)...)
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr %q", code, errOut)
	}
	data, err := os.ReadFile(target)
	if err != nil {
		t.Fatalf("no output although Globex was pulled: %v", err)
	}
	recs := ndjsonRecords(t, string(data))
	if len(recs) != 12 || companiesOf(recs)[0] != keepnettest.CompanyGlobexID {
		t.Errorf("%d records of %v, want Globex's 12", len(recs), companiesOf(recs))
	}
	for _, want := range []string{"1 company failed", keepnettest.CompanyAcmeID, "503", keepnettest.CompanyGlobexName} {
		if !strings.Contains(errOut, want) {
			t.Errorf("closing summary lacks %q:\n%s", want, errOut)
		}
	}

	// In json, the failed company keeps its group, with the error.
	code, out, errOut := surveyRunWith([]keepnet.Option{keepnet.WithTransport(clitest.BreakCompany{CompanyID: keepnettest.CompanyAcmeID})},
		append(allSurveyArgs, "--format", "json")...)
	if code != 3 {
		t.Fatalf("json: exit %d, want 3; stderr %q", code, errOut)
	}
	var doc struct {
		Companies []struct {
			Company workflows.Company        `json:"company"`
			Users   []workflows.SurveyRecord `json:"users"`
			Error   string                   `json:"error"`
		} `json:"companies"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: not one document: %v\n%s", err, out)
	}
	if len(doc.Companies) != 2 || doc.Companies[0].Company.ID != keepnettest.CompanyAcmeID || !strings.Contains(doc.Companies[0].Error, "503") ||
		doc.Companies[1].Error != "" || len(doc.Companies[1].Users) != 12 {
		t.Errorf("json groups = %+v, want Acme's with its error, then Globex's 12 users", doc.Companies)
	}
}

func TestSurveyResultsResumeFetchesOnlyWhatIsMissing(t *testing.T) {
	const users = 24
	srv := clitest.Fake(t, keepnettest.WithUsers(users))
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.csv")
	if code, _, errOut := clitest.Run(append(allSurveyArgs, "--format", "csv", "-o", clean)...); code != 0 {
		t.Fatalf("clean run: exit %d, stderr %q", code, errOut)
	}

	// A first run in which some users' answers cannot be fetched.
	target := filepath.Join(dir, "resumed.csv")
	journal := target + ".journal"
	args := append(allSurveyArgs, "--format", "csv", "-o", target, "--resume")
	srv.SetFaults(keepnettest.Faults{Unavailable: 0.3, Routes: []string{keepnettest.RouteReportExamSessions}})
	code, _, errOut := surveyRunWith([]keepnet.Option{keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 1})}, args...)
	if code != 3 {
		t.Fatalf("faulty run: exit %d, want 3; stderr %q", code, errOut)
	}
	info, err := os.Stat(journal)
	if err != nil {
		t.Fatalf("no journal after an incomplete run: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", info.Mode().Perm())
	}
	if !strings.Contains(errOut, "--resume") {
		t.Errorf("stderr does not say how to finish the run: %q", errOut)
	}
	kept := strings.Count(clitest.MustRead(t, journal), "\n") - 1 // the header line
	// A run killed while writing leaves half a record at the end.
	torn, err := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := torn.WriteString(`{"companyId":"` + keepnettest.CompanyGlobexID + `","companyName":"Glo`); err != nil {
		t.Fatal(err)
	}
	if err := torn.Close(); err != nil {
		t.Fatal(err)
	}

	// The rerun fetches only the users the journal lacks.
	srv.SetFaults(keepnettest.Faults{})
	srv.ResetRequests()
	if code, _, errOut := clitest.Run(args...); code != 0 {
		t.Fatalf("rerun: exit %d, stderr %q", code, errOut)
	}
	if n, missing := srv.RequestCount(keepnettest.RouteReportExamSessions), users+12-kept; n != missing || missing == 0 {
		t.Errorf("rerun fetched %d users' answers, want the %d the journal lacked", n, missing)
	}
	if got, want := clitest.MustRead(t, target), clitest.MustRead(t, clean); got != want {
		t.Errorf("resumed output differs from a clean run's (%d vs %d bytes)", len(got), len(want))
	}
	if _, err := os.Stat(journal); !os.IsNotExist(err) {
		t.Errorf("journal left after a complete run: %v", err)
	}
}

func TestSurveyResultsResumeRefusesAnotherRunsJournal(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(3))
	target := filepath.Join(t.TempDir(), "out.ndjson")
	journal := target + ".journal"
	header := `{"keepnetFlowSurveyJournal":1,"enrollment":"Other Survey","allCompanies":true}` + "\n"
	if err := os.WriteFile(journal, []byte(header), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := clitest.Run(append(allSurveyArgs, "-o", target, "--resume")...)
	if code != 2 || !strings.Contains(errOut, "other arguments") || !strings.Contains(errOut, "Other Survey") {
		t.Errorf("exit %d, stderr %q; want 2 naming the journal's own arguments", code, errOut)
	}
	if got := clitest.MustRead(t, journal); got != header {
		t.Errorf("the other run's journal was changed: %q", got)
	}
}

func TestSurveyResultsWithoutResumeKeepsNothing(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(3))
	dir := t.TempDir()
	target := filepath.Join(dir, "out.ndjson")
	if code, _, errOut := surveyRunWith([]keepnet.Option{keepnet.WithTransport(clitest.BreakCompany{CompanyID: keepnettest.CompanyAcmeID})}, append(allSurveyArgs, "-o", target)...); code != 3 {
		t.Fatalf("exit %d, want 3; stderr %q", code, errOut)
	}
	if names := clitest.DirEntries(t, dir); len(names) != 1 || names[0] != "out.ndjson" {
		t.Errorf("directory holds %v, want only the output", names)
	}
}

func TestSurveyResultsCompanyWhoseLookupFails(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(5))
	broken := []keepnet.Option{keepnet.WithTransport(clitest.BreakCompany{CompanyID: keepnettest.CompanyGlobexID, Suffix: "/enrollments/search"})}
	code, out, errOut := surveyRunWith(broken, append(allSurveyArgs, "--format", "json")...)
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr %q", code, errOut)
	}
	var doc struct {
		Companies []struct {
			Company workflows.Company        `json:"company"`
			Users   []workflows.SurveyRecord `json:"users"`
			Error   string                   `json:"error"`
		} `json:"companies"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one document: %v\n%s", err, out)
	}
	if len(doc.Companies) != 2 || doc.Companies[0].Company.ID != keepnettest.CompanyGlobexID || doc.Companies[0].Error == "" ||
		doc.Companies[1].Company.ID != keepnettest.CompanyAcmeID || len(doc.Companies[1].Users) != 5 {
		t.Errorf("groups = %+v, want Globex's failed lookup with its error, then Acme's 5 users", doc.Companies)
	}
	if !strings.Contains(errOut, "1 company failed") || !strings.Contains(errOut, keepnettest.CompanyGlobexName) {
		t.Errorf("closing summary does not list Globex as failed:\n%s", errOut)
	}

	// A single company whose lookup fails is the run's failure, as before.
	code, out, errOut = surveyRunWith(broken, "survey-results", "--company", keepnettest.CompanyGlobexName, "--enrollment", keepnettest.SurveyName)
	if code != 1 || out != "" {
		t.Errorf("single company: exit %d, stdout %q, stderr %q; want 1 and nothing written", code, out, errOut)
	}
}
