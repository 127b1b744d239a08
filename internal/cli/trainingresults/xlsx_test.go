package trainingresults_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// -f xlsx is csv's rows in one typed sheet with a company column: dates
// as dates, scores as numbers, hostile names as text, never a formula; a
// --resume rerun after a failed company writes what a clean run does.
func TestTrainingResultsXLSX(t *testing.T) {
	clitest.Fake(t, keepnettest.WithPoisonedNames())
	dir := t.TempDir()
	csvPath, clean := filepath.Join(dir, "all.csv"), filepath.Join(dir, "clean.xlsx")
	if code, _, errOut := clitest.Run(with(windowArgs, "-f", "csv", "--csv-raw", "-o", csvPath)...); code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errOut)
	}
	if code, _, errOut := clitest.Run(with(windowArgs, "-f", "xlsx", "-o", clean)...); code != 0 {
		t.Fatalf("xlsx: exit %d: %s", code, errOut)
	}
	clitest.CheckXLSX(t, clean, clitest.Workbook{
		Sheet: "Training results", Rows: len(clitest.CSV(t, clitest.MustRead(t, csvPath))), Company: "companyName",
		Dates: []string{"startDate", "firstCompletionDate", "lastInteractionDate"}, Numbers: []string{"examScore"}, Hostile: "firstName",
	})

	target := filepath.Join(dir, "resumed.xlsx")
	args := with(windowArgs, "-f", "xlsx", "-o", target, "--resume")
	broken := []keepnet.Option{keepnet.WithTransport(clitest.BreakCompany{CompanyID: keepnettest.CompanyGlobexID}), clitest.FastRetry()}
	if code, _, errOut := clitest.RunWith(broken, args...); code != 3 {
		t.Fatalf("broken run: exit %d, want 3; stderr %s", code, errOut)
	}
	if code, _, errOut := clitest.Run(args...); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errOut)
	}
	if got, want := clitest.MustRead(t, target), clitest.MustRead(t, clean); got != want {
		t.Errorf("the resumed workbook differs from a clean run's (%d vs %d bytes)", len(got), len(want))
	}
}

// --bom starts csv with the UTF-8 byte-order mark, and only when asked;
// with another format it is bad input.
func TestTrainingResultsBOM(t *testing.T) {
	clitest.Fake(t)
	dir := t.TempDir()
	for _, bom := range []bool{false, true} {
		path := filepath.Join(dir, "out.csv")
		args := with(acmeArgs, "-f", "csv", "-o", path)
		if bom {
			args = append(args, "--bom")
		}
		if code, _, errOut := clitest.Run(args...); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(string(b), "\ufeff"); got != bom || !strings.HasPrefix(strings.TrimPrefix(string(b), "\ufeff"), "companyId,") {
			t.Errorf("--bom %v: starts %q", bom, b[:min(len(b), 20)])
		}
	}
	for _, format := range []string{"ndjson", "json", "xlsx"} {
		out := t.TempDir()
		code, stdout, errOut := clitest.Run(with(acmeArgs, "-f", format, "--bom", "-o", filepath.Join(out, "out"))...)
		clitest.RefusedUpFront(t, out, code, stdout, errOut, "bom", "applies to --format csv only")
	}
}
