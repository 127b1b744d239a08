package resultsout

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// readSheet opens a workbook written to b and returns its one sheet's
// name and rows, and the workbook to read cells of.
func readSheet(t *testing.T, b []byte) (*excelize.File, string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets %q, want one", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	return f, sheets[0], rows
}

// cell is the raw value and type of the cell of row r (1 the header) under
// column name.
func cell(t *testing.T, f *excelize.File, sheet string, head []string, name string, r int) (string, excelize.CellType) {
	t.Helper()
	c := slices.Index(head, name)
	if c < 0 {
		t.Fatalf("no column %q in %q", name, head)
	}
	ref, _ := excelize.CoordinatesToCellName(c+1, r)
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	return v, typ
}

// Training's sheet is csv's columns, typed: dates where the company's
// order is known, the service's text in the companion's place, the score
// a number, names text.
func TestTrainingXLSX(t *testing.T) {
	sources := []*workflows.Source{srcA1, srcB}
	noScore := trainingRec(srcB, "u9", "@SUM(A1)", "03/04/2026 10:00")
	noScore.ExamScore = nil
	recs := [][]workflows.TrainingRecord{{trainingRec(srcA1, "u1", "Ada", "13/02/2026 10:00")}, {noScore}}
	var out bytes.Buffer
	w, err := New(Training, XLSX, &out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, src := range sources {
		if err := w.BeginSource(src); err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[i] {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, sheet, rows := readSheet(t, out.Bytes())
	if sheet != "Training results" || len(rows) != 3 {
		t.Fatalf("sheet %q, %d rows", sheet, len(rows))
	}
	head := rows[0]
	want := slices.Clone(Training.Columns)
	for i, c := range want {
		if base, ok := strings.CutSuffix(c, "Iso"); ok {
			want[i] = base + "Text"
		}
	}
	if !slices.Equal(head, want) {
		t.Errorf("header %q, want %q", head, want)
	}
	if v, typ := cell(t, f, sheet, head, "firstCompletionDate", 2); v != "46066.416666666664" && v != "46066.41666666667" || typ == excelize.CellTypeInlineString {
		t.Errorf("company A's completion: %q (type %v), want 13 Feb 2026 10:00 as a date", v, typ)
	}
	if v, _ := cell(t, f, sheet, head, "firstCompletionDateText", 2); v != "13/02/2026 10:00" {
		t.Errorf("the service's text: %q", v)
	}
	// Company B's order is unknown: no date rather than a guess, its text
	// kept, and the notice says so.
	if v, _ := cell(t, f, sheet, head, "firstCompletionDate", 3); v != "" {
		t.Errorf("an ambiguous date written as %q", v)
	}
	if v, _ := cell(t, f, sheet, head, "firstCompletionDateText", 3); v != "03/04/2026 10:00" {
		t.Errorf("the ambiguous date's text: %q", v)
	}
	if !strings.Contains(w.DateNotice(), "1 with day and month both 12 or less") {
		t.Errorf("notice %q", w.DateNotice())
	}
	if v, typ := cell(t, f, sheet, head, "examScore", 2); v != "87.5" || typ == excelize.CellTypeInlineString {
		t.Errorf("score %q (type %v), want a number", v, typ)
	}
	if v, _ := cell(t, f, sheet, head, "examScore", 3); v != "" {
		t.Errorf("no score written as %q", v)
	}
	for r, name := range map[int]string{2: "companyName", 3: "firstName"} {
		v, typ := cell(t, f, sheet, head, name, r)
		if typ != excelize.CellTypeInlineString || !strings.ContainsAny(v[:1], "=@") {
			t.Errorf("%s %q is not kept as text (type %v)", name, v, typ)
		}
	}
}

// Phishing's counts and run are numbers; a channel without a count has
// an empty cell, not a zero.
func TestPhishingXLSXCounts(t *testing.T) {
	job := &workflows.Source{Company: coA, ID: "c8A/1", Name: "Invoice", Dates: workflows.CompanyDates{Order: keepnetdate.DayFirst}}
	smish := phishingRec(job, "r2")
	smish.ClickedCount = nil
	out := write(t, Phishing, XLSX, Options{}, []*workflows.Source{job}, [][]workflows.PhishingRecord{{phishingRec(job, "r1", workflows.Interaction{Event: "clicked"}), smish}})
	f, sheet, rows := readSheet(t, []byte(out))
	head := rows[0]
	if sheet != "Phishing results" || len(rows) != 3 || len(head) != len(Phishing.Columns) {
		t.Fatalf("sheet %q, %d rows, %d columns", sheet, len(rows), len(head))
	}
	for _, c := range []struct {
		name string
		row  int
		want string
		text bool
	}{{"clickedCount", 2, "1", false}, {"clickedCount", 3, "", false}, {"instanceGroup", 2, "1", false}, {"lastClickedTimeText", 2, "14/02/2026 08:00", true}} {
		v, typ := cell(t, f, sheet, head, c.name, c.row)
		if v != c.want || (v != "" && c.text != (typ == excelize.CellTypeInlineString)) {
			t.Errorf("%s of row %d: %q (type %v), want %q", c.name, c.row, v, typ, c.want)
		}
	}
	if v, typ := cell(t, f, sheet, head, "lastClickedTime", 2); !strings.HasPrefix(v, "46067.33") || typ == excelize.CellTypeInlineString {
		t.Errorf("last click %q (type %v), want 14 Feb 2026 08:00 as a date", v, typ)
	}
}

func TestSheetRefusesANumberColumnCSVLacks(t *testing.T) {
	k := *Training
	k.XLSX = &Sheet{Name: "x", Numbers: []string{"examScores"}}
	if _, err := New(&k, XLSX, &bytes.Buffer{}, Options{}); err == nil || !strings.Contains(err.Error(), "examScores") {
		t.Errorf("got %v", err)
	}
}

// --bom's mark starts csv and csv-wide, and no other format.
func TestBOM(t *testing.T) {
	job := &workflows.Source{Company: coA, ID: "c8A/1", Name: "Invoice"}
	recs := [][]workflows.PhishingRecord{{phishingRec(job, "r1")}}
	for _, format := range Phishing.Formats() {
		for _, bom := range []bool{false, true} {
			out := write(t, Phishing, format, Options{BOM: bom, SpoolDir: t.TempDir()}, []*workflows.Source{job}, recs)
			csv := format == CSV || format == CSVWide
			if got := strings.HasPrefix(out, "\ufeff"); got != (bom && csv) {
				t.Errorf("%s, BOM %v: starts %q", format, bom, out[:min(len(out), 12)])
			}
			if csv && !strings.HasPrefix(strings.TrimPrefix(out, "\ufeff"), "companyId,") {
				t.Errorf("%s, BOM %v: the header does not follow: %q", format, bom, out[:min(len(out), 12)])
			}
		}
	}
}
