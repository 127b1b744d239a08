package clitest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Workbook is what a results command's -f xlsx must hold, for CheckXLSX.
// excelize reads it back here, in test code only: the CLI writes
// workbooks with internal/xlsxout and must not link excelize.
type Workbook struct {
	// Sheet is the one sheet's name.
	Sheet string
	// Rows is how many rows it has, the header included: csv's lines.
	Rows int
	// Company is the company-name column: at least three companies.
	Company string
	// Dates are columns whose cells are dates, each at least once, never
	// text; Numbers likewise numbers.
	Dates, Numbers []string
	// Hostile is a column that holds PoisonedNames: those a spreadsheet
	// would run are text cells, at least one.
	Hostile string
}

// CheckXLSX opens the workbook at path and fails the test unless it is as
// want says, with no formula in any cell and its header frozen under an
// autofilter.
func CheckXLSX(t *testing.T, path string, want Workbook) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != want.Sheet {
		t.Fatalf("sheets %q, want only %q", sheets, want.Sheet)
	}
	sheet := want.Sheet
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != want.Rows {
		t.Errorf("%d rows, want %d: a row per csv line, the header first", len(rows), want.Rows)
	}
	head := rows[0]
	ref := func(name string, r int) string {
		c := Column(t, head, name)
		cell, _ := excelize.CoordinatesToCellName(c+1, r)
		return cell
	}
	companies, filled, hostile, formulas := map[string]bool{}, map[string]int{}, 0, 0
	for r := 2; r <= len(rows); r++ {
		for c := 1; c <= len(head); c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			if fm, _ := f.GetCellFormula(sheet, cell); fm != "" {
				formulas++
			}
		}
		v, _ := f.GetCellValue(sheet, ref(want.Company, r))
		companies[v] = true
		cell := ref(want.Hostile, r)
		if v, _ := f.GetCellValue(sheet, cell); FormulaStart(v) {
			hostile++
			if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeInlineString {
				t.Errorf("%s %q is not a text cell", cell, v)
			}
		}
		for _, name := range want.Dates {
			cell := ref(name, r)
			raw, typ := rawCell(f, sheet, cell)
			if raw == "" {
				continue
			}
			filled[name]++
			shown, _ := f.GetCellValue(sheet, cell)
			if !number(raw, typ) || !strings.HasPrefix(shown, "20") || len(shown) != len("2026-01-22 13:30") {
				t.Errorf("%s (%s) holds %q shown %q, want a date", cell, name, raw, shown)
			}
		}
		for _, name := range want.Numbers {
			cell := ref(name, r)
			if raw, typ := rawCell(f, sheet, cell); raw != "" {
				filled[name]++
				if !number(raw, typ) {
					t.Errorf("%s (%s) holds %q as type %v, want a number", cell, name, raw, typ)
				}
			}
		}
	}
	for _, name := range append(append([]string(nil), want.Dates...), want.Numbers...) {
		if filled[name] == 0 {
			t.Errorf("no row has a %s: the check proves nothing", name)
		}
	}
	if formulas != 0 || hostile == 0 || len(companies) < 3 {
		t.Errorf("%d formulas, %d hostile names as text, %d companies", formulas, hostile, len(companies))
	}
	if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header is not frozen: %+v %v", panes, err)
	}
	filter := false
	for _, dn := range f.GetDefinedName() {
		filter = filter || dn.Name == "_xlnm._FilterDatabase" && strings.HasSuffix(dn.RefersTo, "$"+strconv.Itoa(len(rows)))
	}
	if !filter {
		t.Errorf("no autofilter over the rows: %+v", f.GetDefinedName())
	}
}

// rawCell is a cell's stored value and type.
func rawCell(f *excelize.File, sheet, cell string) (string, excelize.CellType) {
	raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	typ, _ := f.GetCellType(sheet, cell)
	return raw, typ
}

// number reports whether a cell is a number (a date is one, formatted).
func number(raw string, typ excelize.CellType) bool {
	_, err := strconv.ParseFloat(raw, 64)
	return err == nil && (typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset)
}
