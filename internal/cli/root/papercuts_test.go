package root_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestFlagMissingItsValueIsNamed: a flag followed by another flag instead
// of its value is named, not read as a stray argument ("unknown command
// X"); a value written with = may look like a flag.
func TestFlagMissingItsValueIsNamed(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		flag, got string
	}{
		{[]string{"survey-results", "--company", "--enrollment", "X"}, "--company", "--enrollment"},
		{[]string{"groups", "--company", "--search", "x"}, "--company", "--search"},
		{[]string{"survey-results", "--company", "Acme", "--enrollment", "--sandbox"}, "--enrollment", "--sandbox"},
		{[]string{"companies", "-f", "-o", "out.csv"}, "-f", "-o"},
	} {
		code, out, errOut := clitest.Run(tc.args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line", tc.args, code, out, errOut)
		}
		if want := "flag needs an argument: " + tc.flag + " (the next word, " + tc.got + ", is a flag"; !strings.Contains(errOut, want) || strings.Contains(errOut, "unknown command") {
			t.Errorf("%q: stderr %q, want it to say %q", tc.args, errOut, want)
		}
	}
	clitest.Fake(t)
	if code, out, errOut := clitest.Run("companies", "--search=--x", "-f", "json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("--search=--x: exit %d, stdout %q, stderr %q; want an empty listing", code, out, errOut)
	}
}

// TestMistypedCommandWithFlags: a mistyped command followed by its flags
// is reported as the unknown command, with the one meant, not as the
// first flag the root lacks.
func TestMistypedCommandWithFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		word string
		mean string
	}{
		{[]string{"surve-results", "--company", "x", "--enrollment", "y"}, "surve-results", "survey-results"},
		{[]string{"--sandbox", "--quiet", "companis", "--format", "json"}, "companis", "companies"},
		{[]string{"--client-secret-file", "secret.txt", "enrol", "--company", "x"}, "enrol", "enroll"},
	} {
		code, out, errOut := clitest.Run(tc.args...)
		want := `unknown command "` + tc.word + `" for "keepnet-flow"; did you mean "` + tc.mean + `"?`
		if code != 2 || out != "" || !strings.Contains(errOut, want) || strings.Contains(errOut, "unknown flag") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, want)
		}
	}
}

// TestEnrollmentCompletesAndSuggests: --enrollment completes from the
// service, from the companies named so far or all of them, and a name
// that matches nothing gets the closest one and where names are listed.
func TestEnrollmentCompletesAndSuggests(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		name    string
		args    []string
		want    []string
		wantNot []string
	}{
		{"one company", []string{"survey-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", ""},
			[]string{keepnettest.SurveyName + "\t" + keepnettest.EnrollmentAcmeSurveyID}, []string{keepnettest.TrainingEnrollmentName}},
		{"every company", []string{"survey-report", "--all-companies", "--enrollment", ""},
			[]string{keepnettest.SurveyName + "\tin 2 companies"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := clitest.Run(append([]string{"__complete"}, tc.args...)...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || lines[len(lines)-1] != ":4" {
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
	code, _, errOut := clitest.Run("survey-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", "Securty Cultre Survy")
	for _, want := range []string{`did you mean "` + keepnettest.SurveyName + `" (` + keepnettest.EnrollmentAcmeSurveyID + `)?`, "'keepnet-flow enrollments --company …' lists them"} {
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("misspelt enrollment: exit %d, stderr %q; want 2 and %q", code, errOut, want)
		}
	}
}

// TestCountsAgreeWithTheirNouns: one company is "1 company", one user "1
// user", wherever a run counts them.
func TestCountsAgreeWithTheirNouns(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(1))
	file := filepath.Join(t.TempDir(), "customers.txt")
	clitest.WriteFile(t, file, keepnettest.CompanyAcmeName+"\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{clitest.SurveyArgs(), "1 user of "},
		{[]string{"survey-results", "--companies-file", file, "--enrollment", keepnettest.SurveyName}, "1 user of 1 company written"},
		{[]string{"survey-report", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName, "-f", "json"}, "report of 1 user in 1 company written"},
		{[]string{"enroll", "--company", keepnettest.CompanyGlobexName, "--skip-missing", "--training", keepnettest.TrainingPhishingName, "--group", keepnettest.GroupFinanceName, "--name", "Counted"}, "keepnet-flow: 1 company: 1 created"},
	} {
		code, _, errOut := clitest.Run(tc.args...)
		if code != 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %q", tc.args, code, errOut, tc.want)
		}
		for _, wrong := range []string{"1 companies", "1 users"} {
			if strings.Contains(errOut, wrong) {
				t.Errorf("%q: stderr says %q:\n%s", tc.args, wrong, errOut)
			}
		}
	}
}
