package surveyout

import (
	"bytes"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/csvout"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// hostile is a respondent whose directory entries and answers a
// spreadsheet would run.
var hostile = workflows.UserResult{
	TargetUserResourceID: "u-9", Email: "formula@example.test",
	FirstName: "=HYPERLINK(\"http://attacker.example\",\"x\")", LastName: "@SUM(1,2)", Department: "+Sales",
	Status:  "Completed",
	Answers: []workflows.Answer{{QuestionID: "q1", Question: "-Rate us", Answer: "=1+1", AnswerCode: "\t9"}},
}

func renderUser(t *testing.T, format string, u workflows.UserResult, raw bool) string {
	t.Helper()
	var out bytes.Buffer
	w, err := New(format, &out, header, Options{SpoolDir: t.TempDir(), CSVRaw: raw})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteUser(u); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestCSVFormulasAreNeutralised(t *testing.T) {
	hostileCells := []string{hostile.FirstName, hostile.LastName, hostile.Department, hostile.Answers[0].Question, hostile.Answers[0].Answer, hostile.Answers[0].AnswerCode}
	for _, format := range []string{CSV, CSVWide} {
		for _, raw := range []bool{false, true} {
			rows := readCSV(t, renderUser(t, format, hostile, raw))
			cells := map[string]bool{}
			for _, row := range rows {
				for _, cell := range row {
					cells[cell] = true
				}
			}
			for _, v := range hostileCells {
				if format == CSVWide && v == hostile.Answers[0].AnswerCode {
					continue // csv-wide has no answer-code column
				}
				want := "'" + v
				if raw {
					want = v
				}
				if !cells[want] {
					t.Errorf("%s (raw %v): no cell %q among %q", format, raw, want, rows)
				}
			}
			for cell := range cells {
				if !raw && cell != "" && strings.ContainsRune(csvout.FormulaStarts, rune(cell[0])) {
					t.Errorf("%s: cell %q would run as a formula", format, cell)
				}
			}
		}
	}
}

func TestJSONKeepsFormulaTextAsSent(t *testing.T) {
	for _, format := range []string{NDJSON, JSON} {
		out := renderUser(t, format, hostile, false)
		if strings.Contains(out, `"'=`) || strings.Contains(out, `"'@`) || strings.Contains(out, `"'+`) {
			t.Errorf("%s changed the text: %s", format, out)
		}
		if !strings.Contains(out, `"+Sales"`) {
			t.Errorf("%s lost the department as sent: %s", format, out)
		}
	}
}
