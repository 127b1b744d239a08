package xlsxout_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/keepnet-flow/keepnet-flow/internal/xlsxout"
)

var cols = []xlsxout.Column{{Name: "company", Kind: xlsxout.Text}, {Name: "score", Kind: xlsxout.Number}, {Name: "when", Kind: xlsxout.Date}}

func write(t *testing.T, rows ...[]any) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := xlsxout.New(&buf, "Results", cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	raw := bytes.Clone(buf.Bytes())
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, raw
}

// Text that a spreadsheet would run as a formula stays text: a cell
// "=1+1" is a string cell with no formula, whatever its first character.
func TestTextIsNeverAFormula(t *testing.T) {
	hostile := []string{"=1+1", "+1+1", "-1+1", "@SUM(A1)", "=HYPERLINK(\"https://example.com\",\"x\")", "\t=1", "=cmd|' /C calc'!A0", "Zoë \x01 <b>"}
	var rows [][]any
	for _, s := range hostile {
		rows = append(rows, []any{s, 1, time.Time{}})
	}
	f, raw := write(t, rows...)
	if strings.Contains(part(t, raw, "xl/worksheets/sheet1.xml"), "<f>") {
		t.Error("the sheet holds a formula")
	}
	for i, s := range hostile {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if formula, err := f.GetCellFormula("Results", cell); err != nil || formula != "" {
			t.Errorf("%s: formula %q (%v)", cell, formula, err)
		}
		typ, err := f.GetCellType("Results", cell)
		if err != nil || typ != excelize.CellTypeInlineString {
			t.Errorf("%s: type %v (%v), want an inline string", cell, typ, err)
		}
		v, err := f.GetCellValue("Results", cell)
		want := strings.ReplaceAll(s, "\x01", "\uFFFD")
		if err != nil || (v != s && v != want && v != strings.ReplaceAll(s, "\x01", "")) {
			t.Errorf("%s = %q (%v), want %q", cell, v, err, s)
		}
	}
}

// Numbers are numbers and dates are dates, with a frozen header and an
// autofilter; nothing is text that should not be.
func TestTypedCellsFrozenHeaderAndFilter(t *testing.T) {
	score := 87.5
	when := time.Date(2026, time.January, 22, 13, 30, 9, 0, time.FixedZone("X", 3600))
	f, raw := write(t, []any{"Acme", &score, when}, []any{"Globex", (*float64)(nil), time.Time{}}, []any{"Initech", 3, when})
	if typ, _ := f.GetCellType("Results", "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("B2 type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("Results", "B2", excelize.Options{RawCellValue: true}); v != "87.5" {
		t.Errorf("B2 = %q", v)
	}
	if v, _ := f.GetCellValue("Results", "C2"); v != "2026-01-22 13:30" {
		t.Errorf("C2 shows %q, want the wall clock as a date", v)
	}
	if v, _ := f.GetCellValue("Results", "C2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(v, "46044.56") {
		t.Errorf("C2 holds %q, want an Excel date serial", v)
	}
	for _, cell := range []string{"B3", "C3"} {
		if v, _ := f.GetCellValue("Results", cell); v != "" {
			t.Errorf("%s = %q, want empty", cell, v)
		}
	}
	panes, err := f.GetPanes("Results")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v (%v): the header row is not frozen", panes, err)
	}
	if sheet := part(t, raw, "xl/worksheets/sheet1.xml"); !strings.Contains(sheet, `<autoFilter ref="A1:C4"/>`) {
		t.Error("the header row has no autofilter over the rows")
	}
}

// part is one part of a workbook's zip.
func part(t *testing.T, workbook []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A long text is cut where Excel stops, and XML's forbidden characters
// are replaced, so the workbook always opens.
func TestLongAndControlText(t *testing.T) {
	long := strings.Repeat("é", xlsxout.MaxText+10)
	f, _ := write(t, []any{long, 1, time.Time{}}, []any{"a\x00b\x1fc\uFFFEd", 2, time.Time{}})
	if v, _ := f.GetCellValue("Results", "A2"); len([]rune(v)) != xlsxout.MaxText {
		t.Errorf("a long text is %d characters", len([]rune(v)))
	}
	if v, _ := f.GetCellValue("Results", "A3"); v != "a\uFFFDb\uFFFDc\uFFFDd" {
		t.Errorf("control characters: %q", v)
	}
}

func TestWrongKindIsAnError(t *testing.T) {
	var buf bytes.Buffer
	w, err := xlsxout.New(&buf, "Results", cols)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Discard()
	if err := w.Write("Acme", "12", time.Time{}); err == nil {
		t.Error("a number given as text is accepted")
	}
	if err := w.Write("Acme", 1); err == nil {
		t.Error("a short row is accepted")
	}
}

// An empty sheet still has its header, frozen and filtered.
func TestEmptySheet(t *testing.T) {
	f, _ := write(t)
	if v, _ := f.GetCellValue("Results", "A1"); v != "company" {
		t.Errorf("A1 = %q", v)
	}
}
