package root_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestCompletion: flag values the service knows complete from the service,
// names with IDs as descriptions; formats from the command's own list.
func TestCompletion(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		name    string
		args    []string
		want    []string // lines of the completion output
		wantNot []string
	}{
		{"formats", []string{"companies", "--format", ""}, []string{"table", "json", "csv"}, []string{"ndjson"}},
		{"survey formats", []string{"survey-results", "-f", ""}, []string{"ndjson", "csv-wide"}, nil},
		{"companies", []string{"enroll", "--company", ""},
			[]string{keepnettest.CompanyAcmeName + "\t" + keepnettest.CompanyAcmeID, keepnettest.CompanyGlobexName + "\t" + keepnettest.CompanyGlobexID},
			[]string{keepnettest.CompanyUnmanagedID}},
		{"trainings of the company", []string{"enroll", "--company", "Acme Manufacturing", "--training", ""},
			[]string{"Phishing Fundamentals\t" + keepnettest.TrainingPhishingID}, nil},
		{"groups of the company", []string{"enroll", "--company", "Globex Retail", "--group", ""},
			[]string{"Finance\t" + keepnettest.GroupGlobexFinanceID}, []string{keepnettest.GroupAcmeFinanceID}},
		{"time zones", []string{"enroll", "--company", "Acme Manufacturing", "--timezone", ""},
			[]string{"GMT Standard Time\t(UTC+00:00) Dublin, Edinburgh, Lisbon, London"}, nil},
		{"listing --company", []string{"groups", "--company", ""}, []string{keepnettest.CompanyAcmeName + "\t" + keepnettest.CompanyAcmeID}, nil},
		{"no company yet: nothing", []string{"enroll", "--training", ""}, nil, []string{"Phishing"}},
		{"training enrollments", []string{"training-results", "--enrollment", ""},
			[]string{keepnettest.TrainingEnrollmentName + "\t" + keepnettest.EnrollmentAcmeTrainingID, keepnettest.EnrollmentGlobexTrainingName + "\t" + keepnettest.EnrollmentGlobexTrainingID},
			[]string{keepnettest.SurveyName, keepnettest.EnrollmentGlobexInfographicName}},
		{"training enrollments of a type and a company", []string{"training-results", "--company", "Globex Retail", "--type", "Infographic", "--enrollment", ""},
			[]string{keepnettest.EnrollmentGlobexInfographicName + "\t" + keepnettest.EnrollmentGlobexInfographicID}, []string{keepnettest.EnrollmentGlobexTrainingName}},
		{"training formats", []string{"training-results", "-f", ""}, []string{"ndjson", "json", "csv"}, []string{"csv-wide"}},
		{"simulation channels", []string{"phishing-results", "--channel", ""}, []string{"phishing", "smishing", "quishing"}, nil},
		{"phishing formats", []string{"phishing-results", "-f", ""}, []string{"ndjson", "csv-wide"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := clitest.Run(append([]string{"__complete"}, tc.args...)...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || lines[len(lines)-1] != ":4" { // ShellCompDirectiveNoFileComp
				t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
			}
			for _, w := range tc.want {
				if !slices.Contains(lines, w) {
					t.Errorf("completions lack %q:\n%s", w, out)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("completions have %q:\n%s", w, out)
				}
			}
		})
	}
}
