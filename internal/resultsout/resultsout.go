// Package resultsout writes the records of the training and phishing
// results pulls in their commands' formats, streaming: no format holds
// every user in memory. One writer serves every flow; a Kind says what a
// flow's record holds (its dates, its JSON, its CSV row).
//
// Every format names each record's company and source (enrollment or
// job), and gives every date the service wrote an ISO 8601 companion
// (internal/isodates: the company's day/month order, never guessed).
package resultsout

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/csvout"
	"github.com/keepnet-flow/keepnet-flow/internal/isodates"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The formats, as the --format flag spells them.
const (
	NDJSON  = "ndjson"
	JSON    = "json"
	CSV     = "csv"
	CSVWide = "csv-wide"
	XLSX    = "xlsx"
)

// ISO is a date's ISO 8601 companion under what is known of its company's
// day/month order, or "" (see internal/isodates).
type ISO func(keepnetdate.Time) string

// Kind says how one flow's records are written.
type Kind[R any] struct {
	// Company is the ID of the company a record belongs to.
	Company func(*R) string
	// Dates are every date of a record as the service wrote it, which
	// show its company's day/month order.
	Dates func(*R) []keepnetdate.Time
	// JSON is the record as ndjson and json write it: its fields, each
	// date with its ISO 8601 companion.
	JSON func(*R, ISO) any
	// Columns head the csv format; Row fills one row of them.
	Columns []string
	Row     func(*R, ISO) []string
	// Events, when set, are a record's events: csv-wide writes their
	// times as columns. Without it the kind has no csv-wide.
	Events func(*R) []workflows.Interaction
	// EventOrder orders the event columns of csv-wide; other events
	// follow, by name.
	EventOrder []string
	// XLSX, when set, is the kind's xlsx sheet: csv's rows, typed.
	XLSX *Sheet
}

// Formats lists the kind's formats, default first.
func (k *Kind[R]) Formats() []string {
	f := []string{NDJSON, JSON, CSV}
	if k.Events != nil {
		f = append(f, CSVWide)
	}
	if k.XLSX != nil {
		f = append(f, XLSX)
	}
	return f
}

// Options tune the writers.
type Options struct {
	// SpoolDir is where csv-wide keeps records until its columns are
	// known, in a file with no name; empty means os.TempDir().
	SpoolDir string
	// CSVRaw writes csv and csv-wide cells exactly as the service sent
	// them. By default a cell a spreadsheet would run as a formula gets a
	// leading single quote (internal/csvout). ndjson and json always keep
	// the text as sent.
	CSVRaw bool
	// BOM starts csv and csv-wide output with a UTF-8 byte-order mark, for
	// Excel on Windows (csvout.BOM says why).
	BOM bool
	// Notices are what the pull found worth telling of a company (json
	// writes them in its group, when the group closes): its
	// workflows.CompanyOutcome.Notices.
	Notices func(companyID string) []string
	// Skipped are the companies that had nothing to pull: json lists each
	// after the others, with why.
	Skipped []workflows.CompanyOutcome
}

// Writer writes a pull's records, each naming its company and source.
type Writer[R any] interface {
	// BeginSource starts the records of a source: its dates are its
	// company's; in json, its company's group opens when that is a new
	// company, then the source's own, with its summary.
	BeginSource(src *workflows.Source) error
	// BeginCompany starts the group of a company without sources (one
	// whose lookup failed).
	BeginCompany(co workflows.Company) error
	// Write writes (or, for csv-wide, keeps) one user's record.
	Write(rec R) error
	// CompanyFailed notes why the current company's records stop short:
	// json writes it as the company's "error"; the formats of one record a
	// line have no place for it.
	CompanyFailed(reason string)
	// Close finishes the output and releases what the writer holds.
	Close() error
	// Discard releases what the writer holds without finishing the output.
	Discard() error
	// DateNotice, after Close, says why some dates got no ISO 8601
	// companion, or "" when all did.
	DateNotice() string
}

// New returns a writer of format to w for records of kind k.
func New[R any](k *Kind[R], format string, w io.Writer, opts Options) (Writer[R], error) {
	b := base[R]{kind: k, dates: isodates.Dates{Of: "pull"}}
	if k.Events != nil {
		b.dates.Wide = CSVWide
	}
	if opts.BOM && (format == CSV || format == CSVWide) {
		if _, err := io.WriteString(w, csvout.BOM); err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
	}
	switch {
	case format == NDJSON:
		return newNDJSON(b, w), nil
	case format == JSON:
		return newJSONDocument(b, w, opts), nil
	case format == CSV:
		return newCSV(b, w, opts.CSVRaw)
	case format == CSVWide && k.Events != nil:
		return newCSVWide(b, w, opts)
	case format == XLSX && k.XLSX != nil:
		return newXLSX(b, w)
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(k.Formats(), ", "))
}

// base is what every format does alike: each company's dates, read in its
// order.
type base[R any] struct {
	kind  *Kind[R]
	dates isodates.Dates
}

func (b *base[R]) BeginSource(src *workflows.Source) error {
	b.dates.ForCompany(src.Company.ID, src.Dates.Order)
	return nil
}

func (b *base[R]) BeginCompany(co workflows.Company) error {
	b.dates.ForCompany(co.ID, keepnetdate.Unknown)
	return nil
}

func (b *base[R]) CompanyFailed(string) {}

func (b *base[R]) DateNotice() string { return b.dates.DateNotice() }

// observe takes in what r's dates say of its company's order.
func (b *base[R]) observe(r *R) { b.dates.Observe(b.kind.Dates(r)...) }

// newEncoder writes JSON as people read it: "<", ">" and "&" in names stay
// as they are rather than becoming \u003c and friends.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// eventColumns orders event names for csv-wide: those of order first, in
// its order, then the rest by name.
func eventColumns(order []string, seen map[string]int) []string {
	var out []string
	for _, e := range order {
		if seen[e] > 0 {
			out = append(out, e)
		}
	}
	var rest []string
	for e := range seen {
		if !slices.Contains(order, e) {
			rest = append(rest, e)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}
