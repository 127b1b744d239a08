package surveyresults_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

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
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{"Survey results"}) {
		t.Errorf("sheets %v, want one", sheets)
	}
	rows, err := f.GetRows("Survey results")
	if err != nil {
		t.Fatal(err)
	}
	csvLines := strings.Count(strings.TrimSpace(clitest.MustRead(t, csvPath)), "\n") + 1
	if len(rows) != csvLines {
		t.Errorf("%d rows, csv has %d lines: a row per answer, the header first", len(rows), csvLines)
	}
	head := rows[0]
	col := func(name string) int { return slices.Index(head, name) + 1 }
	companies, formulas, dates, latencies, hostile := map[string]bool{}, 0, 0, 0, 0
	for r := 2; r <= len(rows); r++ {
		for c := 1; c <= len(head); c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			if fm, _ := f.GetCellFormula("Survey results", cell); fm != "" {
				formulas++
			}
		}
		name, _ := excelize.CoordinatesToCellName(col("companyName"), r)
		v, _ := f.GetCellValue("Survey results", name)
		companies[v] = true
		first, _ := excelize.CoordinatesToCellName(col("firstName"), r)
		if v, _ := f.GetCellValue("Survey results", first); v != "" && strings.ContainsAny(v[:1], "=+-@") {
			hostile++
			if typ, _ := f.GetCellType("Survey results", first); typ != excelize.CellTypeInlineString {
				t.Errorf("%s %q is not a text cell", first, v)
			}
		}
		date, _ := excelize.CoordinatesToCellName(col("lastInteraction"), r)
		if raw, _ := f.GetCellValue("Survey results", date, excelize.Options{RawCellValue: true}); raw != "" {
			dates++
			if shown, _ := f.GetCellValue("Survey results", date); !strings.HasPrefix(shown, "20") || len(shown) != len("2026-01-22 13:30") {
				t.Errorf("%s shows %q, want a date", date, shown)
			}
		}
		latency, _ := excelize.CoordinatesToCellName(col("latencySeconds"), r)
		if typ, _ := f.GetCellType("Survey results", latency); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
			if v, _ := f.GetCellValue("Survey results", latency); v != "" {
				latencies++
			}
		}
	}
	if formulas != 0 || hostile == 0 || dates == 0 || latencies == 0 || len(companies) < 3 {
		t.Errorf("%d formulas, %d hostile names as text, %d dates, %d latencies, %d companies", formulas, hostile, dates, latencies, len(companies))
	}
	if panes, err := f.GetPanes("Survey results"); err != nil || !panes.Freeze {
		t.Errorf("the header is not frozen: %+v %v", panes, err)
	}
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
