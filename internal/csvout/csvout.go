// Package csvout is the one CSV writer of the project: every CSV file
// keepnet-flow writes (listings, survey results, and whatever comes next)
// goes through it, so that none of them can carry a cell a spreadsheet runs.
//
// Names, departments, answers and question texts come from customers'
// directories and from the vendor. A cell such as =HYPERLINK(...) or
// =cmd|' /C calc'!A0 would run when someone opens the file in a spreadsheet
// (OWASP, "CSV Injection"). Each cell that would start a formula gets a
// leading single quote, which spreadsheets show as text and do not display.
// Raw mode writes every cell exactly as given, for scripts that need the
// service's bytes.
package csvout

import (
	"encoding/csv"
	"io"
	"strings"
)

// FormulaStarts are the first characters that make a spreadsheet read a
// cell as a formula: =, +, -, @, a tab and a carriage return.
const FormulaStarts = "=+-@\t\r"

// Neutralise makes s inert for spreadsheets: a cell that would start a
// formula gets a leading single quote. Anything else is returned as it is.
func Neutralise(s string) string {
	if s != "" && strings.IndexByte(FormulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// Writer writes CSV rows, every cell neutralised unless raw. Its output is
// encoding/csv's (comma-separated, \n line ends, fields quoted as needed).
type Writer struct {
	csv     *csv.Writer
	raw     bool
	scratch []string
}

// NewWriter returns a writer to w; raw keeps every cell as given.
func NewWriter(w io.Writer, raw bool) *Writer {
	return &Writer{csv: csv.NewWriter(w), raw: raw}
}

// Write writes one row; row itself is left as it was.
func (w *Writer) Write(row []string) error {
	if w.raw {
		return w.csv.Write(row)
	}
	w.scratch = append(w.scratch[:0], row...)
	for i, cell := range w.scratch {
		w.scratch[i] = Neutralise(cell)
	}
	return w.csv.Write(w.scratch)
}

// WriteAll writes rows and flushes.
func (w *Writer) WriteAll(rows [][]string) error {
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// Flush writes any buffered data to the underlying writer; Error reports
// whether that, or an earlier Write, failed.
func (w *Writer) Flush() { w.csv.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.csv.Error() }
