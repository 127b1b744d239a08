package resultsout

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/xlsxout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// Sheet is a kind's xlsx format: csv's rows and columns in one sheet of
// typed cells (xlsxout says why one sheet with a company column). It is
// read off the csv row rather than written beside it, so the two cannot
// drift apart:
//   - a column with an ISO 8601 companion ("startDate", "startDateIso")
//     is a date, as the companion reads it (in the company's day/month
//     order, empty where that is unknown); the companion's place holds the
//     service's text instead ("startDateText"), which is never lost;
//   - a column of Numbers is a number;
//   - every other column is text, which xlsxout never lets be a formula.
type Sheet struct {
	// Name is the sheet's, as Excel shows it on its tab.
	Name string
	// Numbers name the csv columns that hold numbers: counts, scores.
	Numbers []string
}

// cellSource is where an xlsx cell comes from in the csv row.
type cellSource struct {
	from int // the csv column
	kind xlsxout.Kind
}

// plan is the sheet's columns, and for each, its source in the csv row.
func (s *Sheet) plan(csv []string) ([]xlsxout.Column, []cellSource, error) {
	for _, n := range s.Numbers {
		if !slices.Contains(csv, n) {
			return nil, nil, fmt.Errorf("xlsx: number column %q is no csv column", n)
		}
	}
	cols := make([]xlsxout.Column, len(csv))
	src := make([]cellSource, len(csv))
	for i, name := range csv {
		base, companion := strings.CutSuffix(name, "Iso")
		date := slices.Index(csv, base)
		switch {
		case companion && date >= 0:
			cols[i], src[i] = xlsxout.Column{Name: base + "Text", Kind: xlsxout.Text}, cellSource{date, xlsxout.Text}
		case slices.Contains(csv, name+"Iso"):
			cols[i], src[i] = xlsxout.Column{Name: name, Kind: xlsxout.Date}, cellSource{i, xlsxout.Date}
		case slices.Contains(s.Numbers, name):
			cols[i], src[i] = xlsxout.Column{Name: name, Kind: xlsxout.Number}, cellSource{i, xlsxout.Number}
		default:
			cols[i], src[i] = xlsxout.Column{Name: name, Kind: xlsxout.Text}, cellSource{i, xlsxout.Text}
		}
	}
	return cols, src, nil
}

// xlsxWriter writes a row per user, streaming into the workbook.
type xlsxWriter[R any] struct {
	base[R]
	w    *xlsxout.Writer
	src  []cellSource
	cols []xlsxout.Column
	row  []any
}

func newXLSX[R any](b base[R], w io.Writer) (*xlsxWriter[R], error) {
	cols, src, err := b.kind.XLSX.plan(b.kind.Columns)
	if err != nil {
		return nil, err
	}
	xw, err := xlsxout.New(w, b.kind.XLSX.Name, cols)
	if err != nil {
		return nil, err
	}
	return &xlsxWriter[R]{base: b, w: xw, src: src, cols: cols, row: make([]any, len(cols))}, nil
}

// noISO leaves the csv row's companions empty: the sheet reads each date
// once, through Dates.Time, so a date without a value is counted once.
func noISO(keepnetdate.Time) string { return "" }

func (x *xlsxWriter[R]) Write(rec R) error {
	x.observe(&rec)
	text := x.kind.Row(&rec, noISO)
	for i, s := range x.src {
		v := text[s.from]
		switch s.kind {
		case xlsxout.Text:
			x.row[i] = v
		case xlsxout.Date:
			x.row[i] = x.dates.Time(keepnetdate.FromString(v))
		case xlsxout.Number:
			n, err := number(v)
			if err != nil {
				return fmt.Errorf("write xlsx row: column %q: %w", x.cols[i].Name, err)
			}
			x.row[i] = n
		}
	}
	if err := x.w.Write(x.row...); err != nil {
		return fmt.Errorf("write xlsx row: %w", err)
	}
	return nil
}

// number reads a csv number cell back, exactly (csv writes the shortest
// decimal that round-trips); an empty cell is no number.
func number(s string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return &f, nil
}

func (x *xlsxWriter[R]) Close() error   { return x.w.Close() }
func (x *xlsxWriter[R]) Discard() error { return x.w.Discard() }
