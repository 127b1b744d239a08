// Package table renders the CLI's listings: an aligned table for people, or
// JSON or CSV for scripts. CSV is internal/csvout's, which neutralises cells
// a spreadsheet would run; the table is aligned by display width (see
// writeText).
package table

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/keepnet-flow/keepnet-flow/internal/csvout"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
)

// Format is an output format.
type Format string

// The formats every listing supports.
const (
	Text Format = "table"
	JSON Format = "json"
	CSV  Format = "csv"
)

// Table is rows of text under column headers.
type Table struct {
	Headers []string
	// Keys head the CSV columns instead of Headers: the JSON keys of the
	// same fields, so a script finds the same names in either format.
	Keys []string
	Rows [][]string
	// MaxWidth, when positive, is the width of the terminal the table is
	// shown on; a wider table has its widest text columns cut.
	MaxWidth int
	// CSVRaw writes CSV cells as given; by default a cell a spreadsheet
	// would run as a formula gets a leading single quote (csvout).
	CSVRaw bool
}

// Write renders t in format f. JSON renders value instead, so scripts get
// the typed fields rather than the table's text; value should be a slice
// (an empty one renders as [], never null).
func Write(w io.Writer, f Format, t Table, value any) error {
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(value); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
		return nil
	case CSV:
		cw := csvout.NewWriter(w, t.CSVRaw)
		header := t.Keys
		if header == nil {
			header = t.Headers
		}
		if err := cw.Write(header); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
		return nil
	}
	return writeText(w, t)
}

// printable makes a cell safe to show: a tab or newline in a name from the
// server would break the columns, and an escape sequence or a bidirectional
// override would reach the terminal. Each becomes a visible escape
// (termsafe); CSV and JSON keep the text as sent.
func printable(s string) string { return termsafe.String(s) }
