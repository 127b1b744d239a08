// Package table renders the CLI's listings: an aligned table for people, or
// JSON or CSV for scripts. Alignment is text/tabwriter's and CSV is
// encoding/csv's; this package only chooses between them.
package table

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
)

// Format is an output format.
type Format string

// The formats every listing supports.
const (
	Text Format = "table"
	JSON Format = "json"
	CSV  Format = "csv"
)

// ParseFormat reads a --output value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Text, JSON, CSV:
		return f, nil
	case "text":
		return Text, nil
	}
	return "", fmt.Errorf("output format %q is not one of table, json, csv", s)
}

// Table is rows of text under column headers.
type Table struct {
	Headers []string
	Rows    [][]string
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
		cw := csv.NewWriter(w)
		if err := cw.Write(t.Headers); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	writeRow(tw, t.Headers)
	for _, r := range t.Rows {
		writeRow(tw, r)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func writeRow(w io.Writer, cells []string) {
	clean := make([]string, len(cells))
	for i, c := range cells {
		clean[i] = printable(c)
	}
	fmt.Fprintln(w, strings.Join(clean, "\t"))
}

// printable replaces control characters with spaces: a tab or newline in a
// name from the server would break the columns, and an escape sequence would
// reach the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
