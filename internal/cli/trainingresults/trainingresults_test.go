package trainingresults_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/resultsout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// acmeArgs pull Acme Manufacturing's seeded SCORM enrollment.
var acmeArgs = []string{"training-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.TrainingEnrollmentName}

// windowArgs pull every SCORM enrollment of every company started around
// the seeded world's: Acme's (20 users), Globex's (40) and Acme Europe's
// (25).
var windowArgs = []string{"training-results", "--all-companies", "--since", "2025-10-01", "--until", "2026-06-30"}

func with(args []string, extra ...string) []string { return append(slices.Clone(args), extra...) }

// jsonDoc is training-results' json document.
type jsonDoc struct {
	Companies []struct {
		Company struct{ ID, Name string } `json:"company"`
		Sources []struct {
			ID           string            `json:"id"`
			Name         string            `json:"name"`
			StartDateISO string            `json:"startDateIso"`
			Summary      json.RawMessage   `json:"summary"`
			Records      []json.RawMessage `json:"records"`
		} `json:"sources"`
		Notices []string `json:"notices"`
		Error   string   `json:"error"`
		Skipped string   `json:"skipped"`
	} `json:"companies"`
}

func TestTrainingResultsFormats(t *testing.T) {
	clitest.Fake(t)
	dir := t.TempDir()
	for _, format := range resultsout.Training.Formats() {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := clitest.Run(with(acmeArgs, "-f", format)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if want := `20 users of enrollment "` + keepnettest.TrainingEnrollmentName + `" (` + keepnettest.CompanyAcmeName + `) written to stdout`; !strings.Contains(errOut, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errOut)
			}
			switch format {
			case resultsout.NDJSON:
				recs := clitest.NDJSON(t, out)
				if len(recs) != keepnettest.DefaultTrainingUsers {
					t.Fatalf("%d records, want %d", len(recs), keepnettest.DefaultTrainingUsers)
				}
				for _, r := range recs {
					if r["companyId"] != keepnettest.CompanyAcmeID || r["enrollmentId"] != keepnettest.EnrollmentAcmeTrainingID || r["startDateIso"] == nil || r["status"] == "" {
						t.Fatalf("record does not name its company and enrollment: %v", r)
					}
				}
			case resultsout.JSON:
				var doc jsonDoc
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatal(err)
				}
				if len(doc.Companies) != 1 || len(doc.Companies[0].Sources) != 1 {
					t.Fatalf("groups: %+v", doc)
				}
				src := doc.Companies[0].Sources[0]
				if src.ID != keepnettest.EnrollmentAcmeTrainingID || len(src.Records) != keepnettest.DefaultTrainingUsers || len(src.Summary) < 3 || src.StartDateISO == "" {
					t.Errorf("source %s: %d records, summary %s, start %q", src.ID, len(src.Records), src.Summary, src.StartDateISO)
				}
			case resultsout.CSV:
				rows := clitest.CSV(t, out)
				if len(rows) != keepnettest.DefaultTrainingUsers+1 || !slices.Equal(rows[0], resultsout.Training.Columns) {
					t.Fatalf("%d rows, header %q", len(rows), rows[0])
				}
				completed := 0
				for _, r := range rows[1:] {
					if r[clitest.Column(t, rows[0], "status")] == "Completed" {
						completed++
						if r[clitest.Column(t, rows[0], "firstCompletionDateIso")] == "" {
							t.Errorf("a completion without its ISO 8601 date: %q", r)
						}
					}
				}
				if completed == 0 {
					t.Error("nobody completed: the test proves nothing")
				}
			}
			// -o writes the same bytes, to a file of its owner only.
			target := filepath.Join(dir, "out."+format)
			if code, _, errOut := clitest.Run(with(acmeArgs, "-f", format, "-o", target)...); code != 0 {
				t.Fatalf("-o: exit %d: %s", code, errOut)
			}
			if got := clitest.MustRead(t, target); got != out {
				t.Errorf("-o wrote %d bytes, stdout %d", len(got), len(out))
			}
			if info, err := os.Stat(target); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("mode %v (%v), want 0600", info.Mode().Perm(), err)
			}
		})
	}
}

func TestTrainingResultsAcrossCompanies(t *testing.T) {
	clitest.Fake(t)
	code, out, errOut := clitest.Run(windowArgs...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := clitest.NDJSON(t, out)
	var order []string
	count := map[string]int{}
	for _, r := range recs {
		co := r["companyId"].(string)
		if len(order) == 0 || order[len(order)-1] != co {
			order = append(order, co)
		}
		count[co]++
	}
	if want := []string{keepnettest.CompanyAcmeID, keepnettest.CompanyAcmeEuropeID, keepnettest.CompanyGlobexID}; !slices.Equal(order, want) {
		t.Errorf("companies in the order %q, want %q, each once", order, want)
	}
	if count[keepnettest.CompanyAcmeID] != 20 || count[keepnettest.CompanyGlobexID] != 40 || count[keepnettest.CompanyAcmeEuropeID] != 25 {
		t.Errorf("records per company: %v", count)
	}
	for _, want := range []string{"85 users of 3 companies written to stdout", "COMPANY", keepnettest.CompanyGlobexName + "  "} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}

	// Companies from a file; types other than SCORM, which one company
	// lacks: it is skipped, saying why.
	file := filepath.Join(t.TempDir(), "customers.txt")
	clitest.WriteFile(t, file, "# customers\n"+keepnettest.CompanyAcmeName+"\n"+keepnettest.CompanyGlobexID+"\n")
	code, out, errOut = clitest.Run("training-results", "--companies-file", file, "--since", "2025-10-01", "--type", "infographic", "--type", "LearningPath", "-f", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc jsonDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Companies) != 2 || doc.Companies[0].Company.ID != keepnettest.CompanyGlobexID || doc.Companies[0].Sources[0].ID != keepnettest.EnrollmentGlobexInfographicID ||
		doc.Companies[1].Company.ID != keepnettest.CompanyAcmeID || doc.Companies[1].Skipped == "" {
		t.Errorf("json: %+v", doc)
	}
	if !clitest.HasLineWith(errOut, "skipping 1 of 2 companies", keepnettest.CompanyAcmeName) {
		t.Errorf("stderr does not say which company was skipped:\n%s", errOut)
	}
}

func TestTrainingResultsBadInput(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"nothing selected", []string{"--company", keepnettest.CompanyAcmeName}, []string{"enrollment", "--since"}},
		{"enrollment and window", with(acmeArgs[1:], "--since", "2026-01-01"), []string{"enrollment", "since"}},
		{"unreadable since", []string{"--all-companies", "--since", "01/02/2026"}, []string{"since", `"01/02/2026"`, "YYYY-MM-DD"}},
		{"empty window", []string{"--all-companies", "--since", "2026-03-01", "--until", "2026-02-01"}, []string{"until", "no time"}},
		{"empty enrollment", []string{"--company", keepnettest.CompanyAcmeName, "--enrollment", " "}, []string{"enrollment", "empty"}},
		{"no csv-wide", with(acmeArgs[1:], "-f", "csv-wide"), []string{"format", "csv-wide"}},
		{"a survey's type", []string{"--all-companies", "--since", "2026-01-01", "--type", "Survey"}, []string{"type", "Survey"}},
		{"misspelt enrollment", []string{"--company", keepnettest.CompanyAcmeName, "--enrollment", "Phishing Fundamentls 2026"}, []string{"Phishing Fundamentls 2026", "did you mean", keepnettest.TrainingEnrollmentName}},
		{"a survey named", []string{"--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName}, []string{keepnettest.SurveyName}},
		{"enrollment in no company", []string{"--all-companies", "--enrollment", "Onboarding 2031"}, []string{"Onboarding 2031"}},
		{"resume to stdout", with(acmeArgs[1:], "--resume", "-o", "-"), []string{"resume", "-o FILE"}},
		{"rate that never sends", with(acmeArgs[1:], "--rate", "1e-300"), []string{"rate", "from 0.2 to 1000"}},
		{"no company", []string{"--enrollment", keepnettest.TrainingEnrollmentName}, []string{"--company", "--all-companies"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// -o first: a case's own -o comes later and wins.
			code, out, errOut := clitest.Run(append([]string{"training-results", "-o", filepath.Join(dir, "out.ndjson")}, tc.args...)...)
			clitest.RefusedUpFront(t, dir, code, out, errOut, tc.want...)
		})
	}
}

// A company whose users cannot be listed fails alone: the others are
// written whole, the summary names it, json carries its error, and the
// run exits 3; --resume keeps what was written and a rerun writes what a
// clean run does.
func TestTrainingResultsFailingCompanyAndResume(t *testing.T) {
	srv := clitest.Fake(t)
	dir := t.TempDir()
	broken := []keepnet.Option{keepnet.WithTransport(clitest.BreakCompany{CompanyID: keepnettest.CompanyGlobexID}), clitest.FastRetry()}

	code, out, errOut := clitest.RunWith(broken, with(windowArgs, "-f", "json")...)
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr %s", code, errOut)
	}
	var doc jsonDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Companies {
		if failed := c.Company.ID == keepnettest.CompanyGlobexID; failed != (c.Error != "") {
			t.Errorf("company %s: error %q", c.Company.Name, c.Error)
		}
	}
	if !clitest.HasLineWith(errOut, "ERROR") || !clitest.HasLineWith(errOut, keepnettest.CompanyGlobexID, "503") || !strings.Contains(errOut, "1 company failed") {
		t.Errorf("the summary does not name the failed company:\n%s", errOut)
	}

	clean := filepath.Join(dir, "clean.csv")
	if code, _, errOut := clitest.Run(with(windowArgs, "-f", "csv", "-o", clean)...); code != 0 {
		t.Fatalf("clean run: exit %d: %s", code, errOut)
	}
	target := filepath.Join(dir, "resumed.csv")
	args := with(windowArgs, "-f", "csv", "-o", target, "--resume")
	if code, _, errOut := clitest.RunWith(broken, args...); code != 3 || !strings.Contains(errOut, "rerun with --resume") {
		t.Fatalf("broken run: exit %d, want 3 and how to finish; stderr %s", code, errOut)
	}
	if kept := strings.Count(clitest.MustRead(t, target+".journal"), "\n") - 1; kept != 45 {
		t.Errorf("the journal keeps %d records, want the 45 of the companies that did not fail", kept)
	}
	// Another run's arguments are refused, the journal untouched.
	if code, _, errOut := clitest.Run(with(windowArgs[:len(windowArgs)-2], "-f", "csv", "-o", target, "--resume")...); code != 2 || !strings.Contains(errOut, "other arguments") {
		t.Errorf("a journal of other arguments: exit %d, stderr %q", code, errOut)
	}
	srv.ResetRequests()
	if code, _, errOut := clitest.Run(args...); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errOut)
	}
	if got, want := clitest.MustRead(t, target), clitest.MustRead(t, clean); got != want {
		t.Errorf("the resumed output differs from a clean run's (%d vs %d bytes)", len(got), len(want))
	}
	if names := clitest.DirEntries(t, dir); !slices.Equal(names, []string{"clean.csv", "resumed.csv"}) {
		t.Errorf("left beside the output: %v", names)
	}
}

// Against pages cut from an order that moves, every user comes once, as
// from a stable service, or the run says it could not.
func TestTrainingResultsUnderAnUnstableOrder(t *testing.T) {
	clitest.WholeUnderUnstableOrder(t, []keepnettest.Option{keepnettest.WithPageSizeCap(3)}, windowArgs, func(r map[string]any) string {
		return r["enrollmentId"].(string) + "/" + r["targetUserResourceId"].(string)
	})
}

// Names that terminals and spreadsheets act on reach a terminal escaped
// in every format, and a CSV file neutralised (or, with --csv-raw, as
// sent).
func TestTrainingResultsHostileNames(t *testing.T) {
	clitest.Fake(t, keepnettest.WithPoisonedNames())
	for _, format := range resultsout.Training.Formats() {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(true)
		code := clitest.RunStreams(context.Background(), ios, with(acmeArgs, "-f", format))
		if format == resultsout.XLSX {
			// A binary file is refused on a terminal, before anything is
			// written to it.
			if code != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), "-o FILE.xlsx") {
				t.Errorf("xlsx to a terminal: exit %d, %d bytes written, stderr %s", code, out.Len(), errOut)
			}
			continue
		}
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		for _, raw := range clitest.TerminalControls {
			if strings.Contains(out.String(), raw) {
				t.Errorf("%s: the terminal received %q", format, raw)
			}
		}
		if !strings.Contains(out.String(), `Clear\x1b[2JScreen`) && !strings.Contains(out.String(), `Clear\u001b[2JScreen`) {
			t.Errorf("%s: the poisoned name is not shown escaped", format)
		}
	}
	for _, raw := range []bool{false, true} {
		args := with(acmeArgs, "-f", "csv")
		if raw {
			args = append(args, "--csv-raw")
		}
		_, out, _ := clitest.Run(args...)
		rows := clitest.CSV(t, out)
		first := clitest.Column(t, rows[0], "firstName")
		formulas := 0
		for _, r := range rows[1:] {
			if clitest.FormulaStart(r[first]) {
				formulas++
			}
		}
		if raw != (formulas > 0) {
			t.Errorf("--csv-raw %v: %d first names a spreadsheet would run", raw, formulas)
		}
	}
}
