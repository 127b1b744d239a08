// Package surveyout writes survey-results records in the survey-results
// command's formats, streaming: no format holds every user in memory.
package surveyout

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/csvout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Header is what a pull knows before its first user.
type Header struct {
	Company    workflows.Company `json:"company"`
	Enrollment Enrollment        `json:"enrollment"`
	Summary    json.RawMessage   `json:"summary"`
	// DateOrder is the day/month order of the company's dates from its
	// settings (workflows.CompanyDates); Unknown leaves the order to be
	// learnt from the dates. Not part of any output.
	DateOrder keepnetdate.Order `json:"-"`
}

// Enrollment is the survey enrollment a header names.
type Enrollment struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Status    string           `json:"status,omitempty"`
	Type      string           `json:"type,omitempty"`
	StartDate keepnetdate.Time `json:"startDate,omitzero"`
	// Details is the enrollment as GET /api/enrollments/{id} returns it
	// (the envelope's data), the JSON exactly as the server sent it.
	Details json.RawMessage `json:"details,omitempty"`
}

// HeaderOf is the header of a pull's source.
func HeaderOf(s *workflows.Source) Header {
	return Header{
		Company: s.Company,
		Enrollment: Enrollment{ID: s.ID, Name: s.Name, Status: s.Status, Type: s.Type,
			StartDate: s.StartDate, Details: s.Details},
		Summary:   s.Summary,
		DateOrder: s.Dates.Order,
	}
}

// Writer writes survey records, each naming its company: those of the
// Header given to New, or of the last BeginCompany.
type Writer interface {
	// BeginCompany starts the records of another company's survey: in a
	// grouped json document (Options.Grouped), a group of its own with its
	// enrollment and summary; in the other formats, the company the next
	// records name.
	BeginCompany(h Header) error
	// WriteUser writes (or, for csv-wide, stores) one user's record.
	WriteUser(u workflows.UserResult) error
	// CompanyFailed notes that the current company's records stop short,
	// and why: json writes it as the company's "error"; the formats of one
	// record a line have no place for it (the CLI's summary says it).
	CompanyFailed(reason string)
	// Close finishes the output (closing brackets, the spooled csv-wide
	// rows) and releases what the writer holds.
	Close() error
	// Discard releases what the writer holds without finishing the output,
	// for a run that failed.
	Discard() error
	// DateNotice, after Close, says why some dates got no ISO 8601
	// companion (lastInteractionDateIso, timeIso), or "" when all did.
	DateNotice() string
}

// Options tune the writers.
type Options struct {
	// SpoolDir is where csv-wide keeps records until the question set is
	// known, in a file with no name; empty means os.TempDir().
	SpoolDir string
	// CSVRaw writes csv and csv-wide cells exactly as the service sent
	// them. By default a cell a spreadsheet would run as a formula (one
	// starting with =, +, -, @, a tab or a carriage return) gets a leading
	// single quote. ndjson and json always keep the text as sent.
	CSVRaw bool
	// QuestionIDs appends each question's ID to its csv-wide column
	// header, "text [id]"; without it only questions whose text does not
	// tell them apart get it.
	QuestionIDs bool
	// BOM starts csv and csv-wide output with a UTF-8 byte-order mark, for
	// Excel on Windows (csvout.BOM says why).
	BOM bool
	// Grouped makes the json document {"companies": [...]}, one group per
	// BeginCompany with its company, enrollment, summary and users, for a
	// pull across companies; the Header given to New is then not written.
	Grouped bool
}

// The formats, as the --format flag spells them.
const (
	NDJSON  = "ndjson"
	JSON    = "json"
	CSV     = "csv"
	CSVWide = "csv-wide"
	XLSX    = "xlsx"
)

var formats = []string{NDJSON, JSON, CSV, CSVWide, XLSX}

// Formats lists the format names, default first.
func Formats() []string { return slices.Clone(formats) }

// Valid reports whether format is one of Formats.
func Valid(format string) bool { return slices.Contains(formats, format) }

// New returns a writer of format to w, writing h first where the format has
// a place for it (json only; the other formats are one record a line/row).
// Records name h's company until BeginCompany names another.
func New(format string, w io.Writer, h Header, opts Options) (Writer, error) {
	if opts.BOM && (format == CSV || format == CSVWide) {
		if _, err := io.WriteString(w, csvout.BOM); err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
	}
	switch format {
	case NDJSON:
		return newNDJSON(w, h), nil
	case JSON:
		return newJSONDocument(w, h, opts.Grouped)
	case CSV:
		return newCSVLong(w, h, opts.CSVRaw)
	case CSVWide:
		return newCSVWide(w, h, opts)
	case XLSX:
		return newXLSX(w, h)
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(formats, ", "))
}
