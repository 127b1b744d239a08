package phishingresults_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// -f xlsx is csv's rows in one typed sheet with a company column: dates
// as dates, counts as numbers, hostile names as text, never a formula.
func TestPhishingResultsXLSX(t *testing.T) {
	// Two customers beside the seeded companies, a small job each.
	clitest.Fake(t, keepnettest.WithPoisonedNames(), keepnettest.WithCustomers(2), keepnettest.WithPhishingJobs(1, 6))
	dir := t.TempDir()
	csvPath, path := filepath.Join(dir, "all.csv"), filepath.Join(dir, "all.xlsx")
	if code, _, errOut := clitest.Run(with(windowArgs, "-f", "csv", "--csv-raw", "-o", csvPath)...); code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errOut)
	}
	if code, _, errOut := clitest.Run(with(windowArgs, "-f", "xlsx", "-o", path)...); code != 0 {
		t.Fatalf("xlsx: exit %d: %s", code, errOut)
	}
	clitest.CheckXLSX(t, path, clitest.Workbook{
		Sheet: "Phishing results", Rows: len(clitest.CSV(t, clitest.MustRead(t, csvPath))), Company: "companyName",
		Dates:   []string{"jobStartDate", "lastSendingTime", "lastOpenedTime", "lastClickedTime"},
		Numbers: []string{"instanceGroup", "openedCount", "clickedCount", "submittedCount", "reportedCount"}, Hostile: "firstName",
	})
}

// --bom starts csv and csv-wide with the UTF-8 byte-order mark, and only
// when asked; with another format it is bad input.
func TestPhishingResultsBOM(t *testing.T) {
	clitest.Fake(t)
	dir := t.TempDir()
	for _, format := range []string{"csv", "csv-wide"} {
		for _, bom := range []bool{false, true} {
			path := filepath.Join(dir, format+".csv")
			args := with(invoiceArgs, "-f", format, "--events", "-o", path)
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
			if got := strings.HasPrefix(string(b), "\ufeff"); got != bom || !strings.HasPrefix(strings.TrimPrefix(string(b), "\ufeff"), "companyId,") {
				t.Errorf("%s, --bom %v: starts %q", format, bom, b[:min(len(b), 20)])
			}
		}
	}
	for _, format := range []string{"ndjson", "json", "xlsx"} {
		out := t.TempDir()
		code, stdout, errOut := clitest.Run(with(invoiceArgs, "-f", format, "--bom", "-o", filepath.Join(out, "out"))...)
		clitest.RefusedUpFront(t, out, code, stdout, errOut, "bom", "applies to --format csv and csv-wide only")
	}
}
