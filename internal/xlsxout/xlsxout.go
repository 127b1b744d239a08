// Package xlsxout writes results as an Excel workbook: one sheet, a header
// row and a row per record, every cell of its column's kind. Dates are
// dates and numbers are numbers, never text; the header row is frozen and
// carries an autofilter; text is always text.
//
// Formula injection is impossible by construction, not by escaping: a
// text value goes into an inline string cell, which Excel shows as
// written and never evaluates ("=1+1" stays "=1+1"), and this package has
// no way to write a formula. CSV needs csvout's quote prefix because a CSV
// cell has no type; an xlsx cell has one.
//
// One sheet with a company column, rather than a sheet per company: it is
// what a spreadsheet user filters, sorts and pivots (a pivot table or a
// formula reads one range, not sixty sheets), and a company's rows are one
// filter away.
//
// The workbook is written here (SpreadsheetML, ECMA-376: a zip of a few
// XML parts) rather than with excelize, which the tests use to read it
// back. Linking excelize into the CLI makes the linker keep every exported
// method of every type (its formula engine calls functions by name, and
// its writer deep-copies columns through go-deepcopy's reflection), which
// took the binary from 17 to 41 MB and kept all of gen/'s client in it
// (cmd/keepnet-flow's TestCLILinksNoTemplatePackage says why that
// matters). One sheet of typed cells is a few hundred lines; it also
// streams, row by row, into the zip.
package xlsxout

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Kind is what a column's cells hold.
type Kind int

// The kinds of cells.
const (
	// Text is a string, written as it is (at most MaxText characters, as
	// Excel holds no more); "" is an empty cell.
	Text Kind = iota
	// Number is an int, an int64, a float64, or a pointer to one (nil, NaN
	// and the infinities are an empty cell).
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

// MaxText is the most characters an Excel cell holds; longer text is cut
// there (the CSV and JSON formats keep it whole).
const MaxText = 32767

// DateFormat is how date cells show: ISO 8601's order, readable in every
// locale.
const DateFormat = "yyyy-mm-dd hh:mm"

// Writer writes a workbook of one sheet, streaming its rows. It is not
// safe for concurrent use; Close finishes the workbook.
type Writer struct {
	zip   *zip.Writer
	sheet *bufio.Writer
	name  string
	cols  []Column
	rows  int
	buf   []byte
}

// New starts a workbook of one sheet named sheet, with cols as its header.
func New(out io.Writer, sheet string, cols []Column) (*Writer, error) {
	if len(cols) == 0 {
		return nil, errors.New("xlsxout: a sheet needs columns")
	}
	if sheet == "" || len(sheet) > 31 {
		return nil, fmt.Errorf("xlsxout: sheet name %q: Excel takes 1 to 31 characters", sheet)
	}
	w := &Writer{zip: zip.NewWriter(out), name: sheet, cols: cols}
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", packageRels},
		{"xl/_rels/workbook.xml.rels", workbookRels},
		{"xl/styles.xml", styles},
	} {
		if err := w.part(part.name, part.body); err != nil {
			return nil, err
		}
	}
	f, err := w.zip.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, fmt.Errorf("xlsxout: %w", err)
	}
	w.sheet = bufio.NewWriterSize(f, 64<<10)
	w.sheet.WriteString(xmlHeader + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
		`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>`)
	for i, c := range cols {
		width := c.Width
		if width == 0 {
			width = map[Kind]float64{Text: 18, Number: 11, Date: 17}[c.Kind]
		}
		fmt.Fprintf(w.sheet, `<col min="%d" max="%d" width="%g" customWidth="1"/>`, i+1, i+1, width)
	}
	w.sheet.WriteString(`</cols><sheetData><row r="1">`)
	for i, c := range cols {
		w.inline(i, 1, c.Name, styleHeader)
	}
	w.sheet.WriteString(`</row>`)
	return w, nil
}

func (w *Writer) part(name, body string) error {
	f, err := w.zip.Create(name)
	if err == nil {
		_, err = io.WriteString(f, body)
	}
	if err != nil {
		return fmt.Errorf("xlsxout: %w", err)
	}
	return nil
}

// Write writes one row: values[i] is cols[i]'s, of its kind. A value of
// another kind is an error, and nothing of the row is written.
func (w *Writer) Write(values ...any) error {
	if len(values) != len(w.cols) {
		return fmt.Errorf("xlsxout: a row of %d values for %d columns", len(values), len(w.cols))
	}
	for i, v := range values {
		if err := check(w.cols[i], v); err != nil {
			return err
		}
	}
	w.rows++
	r := w.rows + 1
	fmt.Fprintf(w.sheet, `<row r="%d">`, r)
	for i, v := range values {
		w.cell(i, r, w.cols[i].Kind, v)
	}
	w.sheet.WriteString(`</row>`)
	return nil
}

// check refuses a value that is not of its column's kind.
func check(c Column, v any) error {
	ok := false
	switch c.Kind {
	case Text:
		_, ok = v.(string)
	case Number:
		switch v.(type) {
		case int, int64, float64, *int, *float64:
			ok = true
		}
	case Date:
		_, ok = v.(time.Time)
	}
	if !ok {
		return fmt.Errorf("xlsxout: column %q holds %s, not %T", c.Name, [...]string{"text", "numbers", "dates"}[c.Kind], v)
	}
	return nil
}

// The cell styles of styles.xml's cellXfs.
const (
	styleDefault = 0
	styleDate    = 1
	styleHeader  = 2
)

// cell writes one value; empty values are no cell at all.
func (w *Writer) cell(col, row int, kind Kind, v any) {
	switch kind {
	case Text:
		if s := v.(string); s != "" {
			w.inline(col, row, s, styleDefault)
		}
	case Number:
		var f float64
		switch n := v.(type) {
		case int:
			f = float64(n)
		case int64:
			f = float64(n)
		case float64:
			f = n
		case *int:
			if n == nil {
				return
			}
			f = float64(*n)
		case *float64:
			if n == nil {
				return
			}
			f = *n
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return
		}
		w.number(col, row, strconv.FormatFloat(f, 'g', -1, 64), styleDefault)
	case Date:
		t := v.(time.Time)
		if t.IsZero() {
			return
		}
		w.number(col, row, strconv.FormatFloat(serial(t), 'f', -1, 64), styleDate)
	}
}

// serial is t's wall clock as an Excel date: days since 30 December 1899
// (the 1900 date system, with its leap-year bug before March 1900
// irrelevant to these dates), the time of day as the fraction.
func serial(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	d := wall.Sub(time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC))
	// Rounded to the millisecond, as Excel keeps them.
	return math.Round(d.Hours()/24*86_400_000) / 86_400_000
}

func (w *Writer) number(col, row int, v string, style int) {
	w.ref(col, row, style, "")
	w.sheet.WriteString("<v>")
	w.sheet.WriteString(v)
	w.sheet.WriteString("</v></c>")
}

// inline writes a text cell: an inline string, which no spreadsheet
// evaluates.
func (w *Writer) inline(col, row int, s string, style int) {
	w.ref(col, row, style, "inlineStr")
	w.sheet.WriteString(`<is><t xml:space="preserve">`)
	w.buf = appendText(w.buf[:0], s)
	w.sheet.Write(w.buf)
	w.sheet.WriteString("</t></is></c>")
}

func (w *Writer) ref(col, row, style int, typ string) {
	w.sheet.WriteString(`<c r="`)
	w.sheet.WriteString(columnName(col))
	w.sheet.WriteString(strconv.Itoa(row))
	w.sheet.WriteByte('"')
	if style != styleDefault {
		fmt.Fprintf(w.sheet, ` s="%d"`, style)
	}
	if typ != "" {
		w.sheet.WriteString(` t="` + typ + `"`)
	}
	w.sheet.WriteByte('>')
}

// columnName is the letters of 0-based column i: A, B, …, Z, AA, ….
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// appendText appends s escaped for XML text and attribute values, cut at
// MaxText characters;
// characters XML 1.0 cannot hold (control characters, lone surrogates)
// become U+FFFD.
func appendText(b []byte, s string) []byte {
	n := 0
	for _, r := range s {
		if n == MaxText {
			break
		}
		n++
		switch {
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, byte(r))
		case r < 0x20 || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF:
			b = append(b, "\uFFFD"...)
		case r == '"':
			b = append(b, "&quot;"...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// Close ends the sheet with its autofilter, writes the workbook part that
// names the sheet and the filter's range, and finishes the zip.
func (w *Writer) Close() error {
	last := columnName(len(w.cols)-1) + strconv.Itoa(w.rows+1)
	w.sheet.WriteString(`</sheetData><autoFilter ref="A1:` + last + `"/>` +
		`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	if err := w.sheet.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	name := string(appendText(nil, w.name))
	workbook := xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><bookViews><workbookView/></bookViews>` +
		`<sheets><sheet name="` + name + `" sheetId="1" r:id="rId1"/></sheets>` +
		`<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'` +
		quoteSheet(name) + `'!$A$1:$` + columnName(len(w.cols)-1) + `$` + strconv.Itoa(w.rows+1) + `</definedName></definedNames></workbook>`
	if err := w.part("xl/workbook.xml", workbook); err != nil {
		return err
	}
	if err := w.zip.Close(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// quoteSheet doubles a sheet name's apostrophes, as a reference quotes it.
func quoteSheet(name string) string {
	out := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		if name[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, name[i])
	}
	return string(out)
}

// Discard drops the workbook unfinished: nothing is held but what the
// output has.
func (w *Writer) Discard() error { return nil }

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

	contentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`</Types>`
	packageRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`
	workbookRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`</Relationships>`
	// styles has the cell formats the cells name: 0 the default, 1 a
	// date (DateFormat, number format 164), 2 the bold header.
	styles = xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
		`<numFmts count="1"><numFmt numFmtId="164" formatCode="` + DateFormat + `"/></numFmts>` +
		`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`</styleSheet>`
)
