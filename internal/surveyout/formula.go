package surveyout

import (
	"encoding/csv"
	"strings"
)

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection"). Names, departments and
// question texts come from customers' directories and the vendor, so a
// cell like =HYPERLINK(...) must not run when someone opens the file.
const formulaStarts = "=+-@\t\r"

// neutralise makes s inert for spreadsheets, as OWASP recommends: a cell
// that would start a formula gets a leading single quote, which
// spreadsheets show as text and do not display.
func neutralise(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvRows writes CSV rows with every cell neutralised, unless raw.
type csvRows struct {
	*csv.Writer
	raw     bool
	scratch []string
}

func newCSVRows(w *csv.Writer, raw bool) *csvRows { return &csvRows{Writer: w, raw: raw} }

// Write writes one row; row itself is left as it was.
func (c *csvRows) Write(row []string) error {
	if c.raw {
		return c.Writer.Write(row)
	}
	c.scratch = append(c.scratch[:0], row...)
	for i, cell := range c.scratch {
		c.scratch[i] = neutralise(cell)
	}
	return c.Writer.Write(c.scratch)
}
