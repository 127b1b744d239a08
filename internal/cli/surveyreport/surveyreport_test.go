package surveyreport_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

var acmeReportArgs = []string{"survey-report", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName}

func reportArgs(extra ...string) []string {
	return append(append([]string{}, acmeReportArgs...), extra...)
}

func decodeReport(t *testing.T, s string) surveyreport.Report {
	t.Helper()
	var r surveyreport.Report
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, s)
	}
	return r
}

// TestSurveyReportFromSavedOutputMatchesThePull checks that a report made
// from survey-results' ndjson or json output counts exactly what a report
// of the live pull counts.
func TestSurveyReportFromSavedOutputMatchesThePull(t *testing.T) {
	srv := clitest.Fake(t, keepnettest.WithUsers(40))
	code, direct, errOut := clitest.Run(reportArgs("-f", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	pulled := decodeReport(t, direct)
	if len(pulled.Companies) != 1 || pulled.Companies[0].CompanyID != keepnettest.CompanyAcmeID || pulled.Companies[0].EnrollmentID != keepnettest.EnrollmentAcmeSurveyID {
		t.Fatalf("companies = %+v", pulled.Companies)
	}
	users := 0
	for range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		users++
	}
	if pulled.Overall.Users != users {
		t.Errorf("overall users %d, want %d", pulled.Overall.Users, users)
	}

	dir := t.TempDir()
	for _, format := range []string{"ndjson", "json"} {
		t.Run(format, func(t *testing.T) {
			saved := filepath.Join(dir, "acme."+format)
			if code, _, errOut := clitest.Run(clitest.SurveyArgs("--format", format, "-o", saved)...); code != 0 {
				t.Fatalf("survey-results exit %d: %s", code, errOut)
			}
			code, out, errOut := clitest.Run("survey-report", "--from", saved, "-f", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got := decodeReport(t, out)
			if gj, wj := mustMarshal(t, got.Overall), mustMarshal(t, pulled.Overall); gj != wj {
				t.Errorf("report from %s differs from the pull's:\n%s\n---\n%s", format, gj, wj)
			}
			// Records name their company in every format.
			if got.Companies[0].CompanyName != keepnettest.CompanyAcmeName || got.Companies[0].CompanyID != keepnettest.CompanyAcmeID {
				t.Errorf("company %q (%s), want %q", got.Companies[0].CompanyName, got.Companies[0].CompanyID, keepnettest.CompanyAcmeName)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSurveyReportGroupsSavedRecordsByCompany(t *testing.T) {
	dir := t.TempDir()
	rec := func(company, status string) string {
		b, _ := json.Marshal(map[string]any{
			"targetUserResourceId": "u-" + company + status, "status": status, "companyId": "id-" + company, "companyName": company,
			"answers": []workflows.Answer{{QuestionID: "q1", Question: "Q", Answer: "Agree", Options: []string{"Disagree", "Neutral", "Agree"}}},
		})
		return string(b) + "\n"
	}
	one := filepath.Join(dir, "part1.ndjson")
	two := filepath.Join(dir, "part2.ndjson")
	plain := filepath.Join(dir, "example-three.ndjson")
	clitest.WriteFile(t, one, rec("Example One", "Completed")+rec("Example Two", "Completed"))
	clitest.WriteFile(t, two, rec("Example One", "In Progress"))
	clitest.WriteFile(t, plain, `{"targetUserResourceId":"u9","status":"Not Responded","answers":[]}`+"\n")
	code, out, errOut := clitest.Run("survey-report", "--from", one, "--from", two, "--from", plain, "-f", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	r := decodeReport(t, out)
	var got []string
	for _, c := range r.Companies {
		got = append(got, c.CompanyName+":"+strings.Repeat("u", c.Users))
	}
	if want := "Example One:uu Example Two:u example-three:u"; strings.Join(got, " ") != want {
		t.Errorf("companies %q, want %q", strings.Join(got, " "), want)
	}
	if r.Overall.Users != 4 || r.Overall.Questions[0].Answered != 3 {
		t.Errorf("overall users %d, answered %d; want 4, 3", r.Overall.Users, r.Overall.Questions[0].Answered)
	}
}

func TestSurveyReportWritesOneSelfContainedHTMLFile(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(20))
	out := filepath.Join(t.TempDir(), "report.html")
	code, stdout, errOut := clitest.Run(reportArgs("-o", out)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing with -o", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || strings.Count(page, "<svg") < len(keepnettest.SurveyScormIDs()) {
		t.Errorf("not an HTML page with a chart per question (%d svg)", strings.Count(page, "<svg"))
	}
	// Nothing may be fetched from elsewhere: no script, no linked style,
	// image or font, and no URL but the SVG namespace.
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`<script|<link|<img|<iframe|@import|url\(`), regexp.MustCompile(`(?i)(src|href)\s*=`)} {
		if m := bad.FindString(page); m != "" {
			t.Errorf("page contains %q", m)
		}
	}
	if urls := regexp.MustCompile(`https?://[^"\s<]+`).FindAllString(page, -1); len(strings.Join(urls, "")) != len(urls)*len("http://www.w3.org/2000/svg") {
		t.Errorf("page names URLs other than the SVG namespace: %v", urls)
	}
	if !strings.Contains(errOut, "written to "+out) {
		t.Errorf("stderr = %q, want where the report went", errOut)
	}
}

func TestSurveyReportBadInput(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(4))
	dir := t.TempDir()
	notOutput := filepath.Join(dir, "companies.json")
	clitest.WriteFile(t, notOutput, `[{"id":"c1","name":"Example"}]`)
	notRecords := filepath.Join(dir, "other.ndjson")
	clitest.WriteFile(t, notRecords, `{"id":"c1","name":"Example"}`+"\n")
	empty := filepath.Join(dir, "empty.ndjson")
	clitest.WriteFile(t, empty, "")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no survey named", []string{"survey-report"}, "--from"},
		{"both a file and a pull", []string{"survey-report", "--from", notOutput, "--company", "Acme"}, "from"},
		{"company without enrollment", []string{"survey-report", "--company", keepnettest.CompanyAcmeName}, "enrollment"},
		{"unknown format", reportArgs("-f", "pdf"), "format"},
		{"missing file", []string{"survey-report", "--from", filepath.Join(dir, "nope.ndjson")}, "nope.ndjson"},
		{"not survey output", []string{"survey-report", "--from", notOutput}, "companies.json"},
		{"records of something else", []string{"survey-report", "--from", notRecords}, "targetUserResourceId"},
		{"empty file", []string{"survey-report", "--from", empty}, "empty"},
		{"unknown company", []string{"survey-report", "--company", "No Such Co", "--enrollment", keepnettest.SurveyName}, "No Such Co"},
		{"rate that never sends", reportArgs("--rate", "1e-300"), "from 0.2 to 1000"},
		{"concurrency out of range", reportArgs("--concurrency", "0"), "from 1 to 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "report.html")
			code, stdout, errOut := clitest.Run(append(tt.args, "-o", out)...)
			if code != cmdutil.ExitUsage {
				t.Errorf("exit %d, want %d", code, cmdutil.ExitUsage)
			}
			if lines := strings.Split(strings.TrimSpace(errOut), "\n"); len(lines) != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr = %q, want one line naming %q", errOut, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q", stdout)
			}
			for _, name := range clitest.DirEntries(t, dir) {
				if strings.HasPrefix(name, "report.html") || strings.HasPrefix(name, ".report.html") {
					t.Errorf("left %s behind", name)
				}
			}
		})
	}
}

func TestSurveyReportOfIncompleteRecordsIsWrittenAndExits3(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "example.ndjson")
	clitest.WriteFile(t, saved, `{"targetUserResourceId":"u1","status":"Completed","answers":[{"questionId":"q1","question":"Q","answer":"Yes","options":["Yes","No"]}]}`+"\n"+
		`{"targetUserResourceId":"u2","status":"Completed","answers":[],"error":"exam-result sessions: 503 after retries"}`+"\n")
	out := filepath.Join(dir, "report.json")
	code, _, errOut := clitest.Run("survey-report", "--from", saved, "-f", "json", "-o", out)
	if code != cmdutil.ExitIncomplete {
		t.Errorf("exit %d, want %d; stderr %q", code, cmdutil.ExitIncomplete, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no report written: %v", err)
	}
	if r := decodeReport(t, string(b)); r.Overall.Users != 2 || r.Overall.Questions[0].Answered != 1 {
		t.Errorf("report counts %d users, %d answered; want 2, 1", r.Overall.Users, r.Overall.Questions[0].Answered)
	}
	if !strings.Contains(errOut, "1 of 2 users") {
		t.Errorf("stderr %q does not say how many users are incomplete", errOut)
	}
}

// TestSurveyReportAcrossCompanies: one report of the survey in every
// company that has it, each company side by side with the overall; a
// company without the survey is skipped with a notice.
func TestSurveyReportAcrossCompanies(t *testing.T) {
	srv := clitest.Fake(t, keepnettest.WithCustomers(8))
	code, out, errOut := clitest.Run("survey-report", "--all-companies", "--enrollment", keepnettest.SurveyName, "-f", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	report := decodeReport(t, out)
	withSurvey := 0
	for _, co := range srv.Companies() {
		for _, e := range srv.Enrollments() {
			if e.CompanyID == co.ID && e.Name == keepnettest.SurveyName {
				withSurvey++
				break
			}
		}
	}
	if len(report.Companies) != withSurvey || withSurvey < 3 {
		t.Errorf("%d companies in the report, want the %d with the survey", len(report.Companies), withSurvey)
	}
	users := 0
	for _, co := range report.Companies {
		users += co.Users
	}
	if report.Overall.Users != users || users == 0 {
		t.Errorf("overall %d users, companies sum to %d", report.Overall.Users, users)
	}
	if !strings.Contains(errOut, "skipping") {
		t.Errorf("stderr %q: want a notice of the companies without the survey", errOut)
	}
	code, _, errOut = clitest.Run("survey-report", "--all-companies", "--company", "Acme", "--enrollment", "x")
	if code != cmdutil.ExitUsage {
		t.Errorf("--all-companies with --company: exit %d (%s), want 2", code, errOut)
	}
}
