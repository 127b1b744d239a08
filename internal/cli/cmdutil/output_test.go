package cmdutil_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestFormatFlagIsCaseInsensitive: -f takes a format in any case, in every
// command.
func TestFormatFlagIsCaseInsensitive(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		name  string
		args  []string
		check func(out string) bool
	}{
		{"companies JSON", []string{"companies", "-f", "JSON"}, isJSON},
		{"trainings Csv", []string{"trainings", "--company", "Acme Manufacturing", "--format", "Csv"}, isCSV},
		{"groups TABLE", []string{"groups", "--company", "Acme Manufacturing", "-f", "TABLE"}, func(out string) bool { return strings.HasPrefix(out, "ID ") }},
		{"enroll Json", []string{"enroll", "--company", "Acme Manufacturing", "--training", "Phishing Fundamentals", "--group", "Finance", "--name", "Case test", "--dry-run", "-f", "Json"}, isJSON},
		{"survey-results CSV-Wide", []string{"survey-results", "--company", "Acme Manufacturing", "--enrollment", keepnettest.EnrollmentAcmeSurveyID, "-f", "CSV-Wide"}, isCSV},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := clitest.Run(tc.args...)
			if code != 0 || !tc.check(out) {
				t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
			}
		})
	}
}

func isJSON(out string) bool { return json.Valid([]byte(out)) }

func isCSV(out string) bool {
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	return err == nil && len(records) > 1
}

// TestOutputFlagNamesAFile: -o writes the data to the file, in the format
// -f chose, and nothing to stdout.
func TestOutputFlagNamesAFile(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		name  string
		args  []string
		check func(out string) bool
	}{
		{"companies", []string{"companies", "-f", "csv"}, isCSV},
		{"enrollments", []string{"enrollments", "--company", "Acme Manufacturing", "-f", "json"}, isJSON},
		{"enroll dry run", []string{"enroll", "--company", "Acme Manufacturing", "--training", "Phishing Fundamentals", "--group", "Finance", "--name", "File test", "--dry-run", "-f", "json"}, isJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "out")
			code, out, errOut := clitest.Run(append(tc.args, "-o", target)...)
			if code != 0 || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and nothing on stdout", code, out, errOut)
			}
			data, err := os.ReadFile(target)
			if err != nil || !tc.check(string(data)) {
				t.Errorf("file: %v\n%s", err, data)
			}
			if names := clitest.DirEntries(t, dir); len(names) != 1 {
				t.Errorf("directory holds %v, want only the output", names)
			}
		})
	}
}

// TestOutputNamedLikeAFormatIsRefused: the old "-o json" is refused in one
// line pointing to --format, and no file called json appears.
func TestOutputNamedLikeAFormatIsRefused(t *testing.T) {
	srv := clitest.Fake(t)
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"companies", "-o", "json"},
		{"trainings", "--company", "Acme Manufacturing", "-o", "table"},
		{"enrollments", "--company", "Acme Manufacturing", "--output", "Csv"},
		{"enroll", "--company", "Acme Manufacturing", "--training", "Phishing Fundamentals", "--group", "Finance", "--name", "Refused", "-o", "json"},
		{"survey-results", "--company", "Acme Manufacturing", "--enrollment", keepnettest.EnrollmentAcmeSurveyID, "-o", "csv-wide"},
	} {
		srv.ResetRequests()
		code, out, errOut := clitest.Run(args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--format ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line pointing to --format", args, code, out, errOut)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%q: %d requests made before refusing", args, n)
		}
		if names := clitest.DirEntries(t, "."); len(names) != 0 {
			t.Errorf("%q: wrote %v", args, names)
		}
	}
}
