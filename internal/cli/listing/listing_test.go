package listing_test

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func TestListingCommands(t *testing.T) {
	clitest.Fake(t, keepnettest.WithPageSizeCap(2)) // every listing spans pages
	for _, tc := range []struct {
		name      string
		args      []string
		want      []string // in the output
		wantNot   []string
		wantLines int // table lines, header included
	}{
		{"companies", []string{"companies"}, []string{"ID", "NAME", keepnettest.CompanyAcmeID, keepnettest.CompanyGlobexName}, []string{keepnettest.CompanyUnmanagedID}, 4},
		{"companies searched", []string{"companies", "--search", "europe"}, []string{keepnettest.CompanyAcmeEuropeID}, []string{keepnettest.CompanyGlobexID}, 2},
		{"trainings", []string{"trainings", "--company", "Acme Manufacturing"}, []string{keepnettest.TrainingPasswordID, keepnettest.TrainingSurveyName}, nil, 5},
		{"trainings searched", []string{"trainings", "--company", keepnettest.CompanyAcmeID, "--search", "PHISHING"}, []string{keepnettest.TrainingPhishingAdvName}, []string{keepnettest.TrainingPasswordID}, 3},
		{"groups", []string{"groups", "--company", "Globex Retail"}, []string{keepnettest.GroupGlobexFinanceID, "75"}, []string{keepnettest.GroupAcmeFinanceID}, 3},
		{"company typed loosely", []string{"groups", "--company", "GLOBEX_retail"}, []string{keepnettest.GroupGlobexFinanceID}, []string{keepnettest.GroupAcmeFinanceID}, 3},
		{"enrollments of a type", []string{"enrollments", "--company", "Acme Manufacturing", "--type", "survey"}, []string{keepnettest.EnrollmentAcmeSurveyID, keepnettest.EnrollmentAcmePilotID}, []string{keepnettest.EnrollmentAcmeTrainingID, keepnettest.EnrollmentGlobexSurveyID}, 3},
		{"enrollments searched", []string{"enrollments", "--company", "Acme Manufacturing", "--search", "2026"}, []string{keepnettest.EnrollmentAcmeTrainingID, "Finished"}, []string{keepnettest.EnrollmentAcmeSurveyID}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := clitest.Run(tc.args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			if n := strings.Count(out, "\n"); n != tc.wantLines {
				t.Errorf("%d lines, want %d:\n%s", n, tc.wantLines, out)
			}

			code, out, _ = clitest.Run(append(tc.args, "--format", "json")...)
			var rows []map[string]any
			if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) != tc.wantLines-1 {
				t.Errorf("JSON: exit %d, %d rows (%v):\n%s", code, len(rows), err, out)
			}

			code, out, _ = clitest.Run(append(tc.args, "--format", "csv")...)
			records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if code != 0 || err != nil || len(records) != tc.wantLines || records[0][0] != "id" {
				t.Fatalf("CSV: exit %d, %d records (%v):\n%s", code, len(records), err, out)
			}
			// A script switching formats finds the same names.
			for _, key := range records[0] {
				found := false
				for _, row := range rows {
					_, ok := row[key]
					found = found || ok
				}
				if !found {
					t.Errorf("CSV column %q is no key of the JSON rows %v", key, rows)
				}
			}
		})
	}
}

func TestListingEmptyJSONIsArray(t *testing.T) {
	clitest.Fake(t)
	code, out, _ := clitest.Run("groups", "--company", "Acme Manufacturing", "--search", "no such group", "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("exit %d, output %q; want []", code, out)
	}
}

func TestListingCommandsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		names string
	}{
		{"bad format", []string{"companies", "--format", "yaml"}, "yaml"},
		{"the old -o json", []string{"companies", "-o", "json"}, "--format json"},
		{"the old --output csv", []string{"groups", "--company", "Acme Manufacturing", "--output", "CSV"}, "--format csv"},
		{"unknown company", []string{"trainings", "--company", "Vandelay Industries"}, "Vandelay Industries"},
		{"misspelt company", []string{"trainings", "--company", "Globx Retial"}, `did you mean "Globex Retail" (` + keepnettest.CompanyGlobexID + `)?`},
		{"ambiguous company", []string{"groups", "--company", "acme"}, keepnettest.CompanyAcmeEuropeID},
		{"missing company", []string{"enrollments"}, "company"},
		{"unknown type", []string{"enrollments", "--company", "Globex Retail", "--type", "Webinar"}, "Webinar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clitest.Fake(t)
			code, out, errOut := clitest.Run(tc.args...)
			if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.names) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line naming %q", code, out, errOut, tc.names)
			}
		})
	}
}

// Customers' names a spreadsheet would run are neutralised in the listing
// CSVs, as in the survey CSVs; --csv-raw keeps them as sent.
func TestListingCSVNeutralisesFormulas(t *testing.T) {
	srv := clitest.Fake(t)
	hostile := []string{"=cmd|' /C calc'!A0", "+Sales Co", "-Minus Co", "@Sum Co", "\tTab Co", "\rCR Co"}
	for _, name := range hostile {
		srv.AddCompany(name, true)
	}
	for _, raw := range []bool{false, true} {
		args := []string{"companies", "--format", "csv"}
		if raw {
			args = append(args, "--csv-raw")
		}
		code, out, errOut := clitest.Run(args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, r := range records[1:] {
			names[r[1]] = true
			if !raw && r[1] != "" && strings.ContainsAny(r[1][:1], "=+-@\t\r") {
				t.Errorf("cell %q would run as a formula", r[1])
			}
		}
		for _, name := range hostile {
			want := "'" + name
			if raw {
				want = name
			}
			if !names[want] {
				t.Errorf("raw=%v: no name %q among %q", raw, want, records)
			}
		}
	}
}
