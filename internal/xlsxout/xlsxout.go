// Package xlsxout writes results as an Excel workbook (excelize): one
// sheet, a header row and a row per record, every cell of its column's
// kind. Dates are dates and numbers are numbers, never text; the header
// row is frozen and carries an autofilter (the sheet is an Excel table);
// text is always text.
//
// Formula injection is impossible by construction, not by escaping: a
// text value goes into an inline string cell, which Excel shows as
// written and never evaluates ("=1+1" stays "=1+1"), and nothing here
// writes a formula. CSV needs csvout's quote prefix because a CSV cell has
// no type; an xlsx cell has one.
//
// One sheet with a company column, rather than a sheet per company: it is
// what a spreadsheet user filters, sorts and pivots (a pivot table or a
// formula reads one range, not sixty sheets), and a company's rows are one
// filter away.
package xlsxout

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// Kind is what a column's cells hold.
type Kind int

// The kinds of cells.
const (
	// Text is a string, written as it is; "" is an empty cell.
	Text Kind = iota
	// Number is an int, an int64, a float64, or a pointer to one (nil is
	// an empty cell).
	Number
	// Date is a time.Time, written as Excel's date-time in the time's own
	// wall clock (Excel has no zones); the zero time is an empty cell.
	Date
)

// Column is one column of the sheet.
type Column struct {
	Name string
	Kind Kind
	// Width is the column's width in characters; zero picks one by kind.
	Width float64
}

// Writer writes a workbook of one sheet. It is not safe for concurrent
// use; Close writes the workbook.
type Writer struct {
	out   io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	sheet string
	cols  []Column
	rows  int
	date  int // the date cells' style
	cells []any
}

// DateFormat is how date cells show: ISO 8601's order, readable in every
// locale.
const DateFormat = "yyyy-mm-dd hh:mm"

// New starts a workbook of one sheet named sheet, with cols as its header.
func New(out io.Writer, sheet string, cols []Column) (*Writer, error) {
	if len(cols) == 0 {
		return nil, errors.New("xlsxout: a sheet needs columns")
	}
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsxout: %w", err)
	}
	f.SetDocProps(&excelize.DocProperties{Creator: "", Title: sheet}) //nolint:errcheck // only fills in properties
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsxout: %w", err)
	}
	format := DateFormat
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return nil, fmt.Errorf("xlsxout: %w", err)
	}
	w := &Writer{out: out, f: f, sw: sw, sheet: sheet, cols: cols, date: date, cells: make([]any, len(cols))}
	// Panes come before the first row, as the stream writer needs.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsxout: %w", err)
	}
	for i, c := range cols {
		width := c.Width
		if width == 0 {
			width = map[Kind]float64{Text: 18, Number: 11, Date: 17}[c.Kind]
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, fmt.Errorf("xlsxout: %w", err)
		}
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = c.Name
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, fmt.Errorf("xlsxout: %w", err)
	}
	return w, nil
}

// Write writes one row: values[i] is cols[i]'s, of its kind. A value of
// another kind is an error, and nothing of the row is written.
func (w *Writer) Write(values ...any) error {
	if len(values) != len(w.cols) {
		return fmt.Errorf("xlsxout: a row of %d values for %d columns", len(values), len(w.cols))
	}
	for i, v := range values {
		cell, err := w.cell(w.cols[i], v)
		if err != nil {
			return err
		}
		w.cells[i] = cell
	}
	w.rows++
	ref, err := excelize.CoordinatesToCellName(1, w.rows+1)
	if err != nil {
		return fmt.Errorf("xlsxout: %w", err)
	}
	if err := w.sw.SetRow(ref, w.cells); err != nil {
		return fmt.Errorf("xlsxout: %w", err)
	}
	return nil
}

// cell is v as a stream writer's cell value of c's kind.
func (w *Writer) cell(c Column, v any) (any, error) {
	switch c.Kind {
	case Text:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("xlsxout: column %q holds text, not %T", c.Name, v)
		}
		if s == "" {
			return nil, nil
		}
		// A string value is an inline string cell: never a formula.
		return s, nil
	case Number:
		switch n := v.(type) {
		case int, int64, float64:
			return n, nil
		case *int:
			if n == nil {
				return nil, nil
			}
			return *n, nil
		case *float64:
			if n == nil {
				return nil, nil
			}
			return *n, nil
		}
		return nil, fmt.Errorf("xlsxout: column %q holds numbers, not %T", c.Name, v)
	case Date:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("xlsxout: column %q holds dates, not %T", c.Name, v)
		}
		if t.IsZero() {
			return nil, nil
		}
		// Excel's dates have no zone: the wall clock, as the service wrote it.
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		return excelize.Cell{StyleID: w.date, Value: wall}, nil
	}
	return nil, fmt.Errorf("xlsxout: column %q has no kind", c.Name)
}

// Close makes the rows a table (the autofilter on the header row), and
// writes the workbook.
func (w *Writer) Close() error {
	if w.rows > 0 {
		last, err := excelize.CoordinatesToCellName(len(w.cols), w.rows+1)
		if err != nil {
			return fmt.Errorf("xlsxout: %w", err)
		}
		if err := w.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Results", StyleName: "TableStyleLight9"}); err != nil {
			return fmt.Errorf("xlsxout: %w", err)
		}
	}
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("xlsxout: %w", err)
	}
	if w.rows == 0 {
		// A table needs a row under its header; an empty sheet gets the
		// autofilter alone.
		last, _ := excelize.CoordinatesToCellName(len(w.cols), 1)
		if err := w.f.AutoFilter(w.sheet, "A1:"+last, nil); err != nil {
			return fmt.Errorf("xlsxout: %w", err)
		}
	}
	if _, err := w.f.WriteTo(w.out); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return w.f.Close()
}

// Discard releases what the writer holds (its stream's temporary file)
// without writing the workbook.
func (w *Writer) Discard() error { return w.f.Close() }
