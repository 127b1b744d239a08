package surveyresults_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// survey-results -f xlsx: one sheet with a company column, a row per
// answer as csv has, dates as dates, latencies as numbers, and every name
// a spreadsheet would run kept as text.
func TestSurveyResultsXLSX(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(12), keepnettest.WithPoisonedNames())
	dir := t.TempDir()
	path := filepath.Join(dir, "all.xlsx")
	code, _, errOut := clitest.Run("survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName, "-f", "xlsx", "-o", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	csvPath := filepath.Join(dir, "all.csv")
	if code, _, errOut := clitest.Run("survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName, "-f", "csv", "--csv-raw", "-o", csvPath); code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errOut)
	}
	clitest.CheckXLSX(t, path, clitest.Workbook{
		Sheet: "Survey results", Rows: len(clitest.CSV(t, clitest.MustRead(t, csvPath))), Company: "companyName",
		Dates: []string{"lastInteraction"}, Numbers: []string{"latencySeconds"}, Hostile: "firstName",
	})
}

// --bom starts a CSV with the UTF-8 byte-order mark; without it, none.
func TestSurveyResultsBOM(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(3))
	dir := t.TempDir()
	for _, format := range []string{"csv", "csv-wide"} {
		for _, bom := range []bool{false, true} {
			path := filepath.Join(dir, format+".csv")
			args := clitest.SurveyArgs("-f", format, "-o", path)
			if bom {
				args = append(args, "--bom")
			}
			if code, _, errOut := clitest.Run(args...); code != 0 {
				t.Fatalf("%s: exit %d: %s", format, code, errOut)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.HasPrefix(string(b), "\ufeff"); got != bom || !strings.Contains(string(b[:40]), "companyId") {
				t.Errorf("%s, --bom %v: starts %q", format, bom, b[:min(len(b), 20)])
			}
		}
	}
	if code, _, errOut := clitest.Run(clitest.SurveyArgs("-f", "ndjson", "--bom")...); code != 2 || !strings.Contains(errOut, "bom") {
		t.Errorf("--bom with ndjson: exit %d, %s", code, errOut)
	}
}
