package resultsout

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// ndjsonWriter writes one user record a line.
type ndjsonWriter[R any] struct {
	base[R]
	buf *bufio.Writer
	enc *json.Encoder
}

func newNDJSON[R any](b base[R], w io.Writer) *ndjsonWriter[R] {
	buf := bufio.NewWriter(w)
	return &ndjsonWriter[R]{base: b, buf: buf, enc: newEncoder(buf)}
}

func (n *ndjsonWriter[R]) Write(rec R) error {
	n.observe(&rec)
	if err := n.enc.Encode(n.kind.JSON(&rec, n.dates.ISO)); err != nil {
		return fmt.Errorf("write ndjson record: %w", err)
	}
	return nil
}

func (n *ndjsonWriter[R]) Close() error   { return n.buf.Flush() }
func (n *ndjsonWriter[R]) Discard() error { return n.buf.Flush() }

// jsonDocument writes
//
//	{"companies": [{"company": {...}, "sources": [{...source, "summary": ...,
//	"records": [...]}, ...], "notices": [...], "error": "..."}, ...]}
//
// as the records come: each group's header goes out first, then each
// record, then the closing brackets, so the document is never held whole
// in memory. Companies that had nothing to pull close the list, each with
// "skipped" saying why.
type jsonDocument[R any] struct {
	base[R]
	buf  *bufio.Writer
	enc  *json.Encoder
	opts Options

	companies int      // groups opened
	company   string   // the open group's company ID, "" before the first
	sources   int      // sources opened in the open group
	records   int      // records written in the open source
	failed    []string // the open group's CompanyFailed reasons
}

func newJSONDocument[R any](b base[R], w io.Writer, opts Options) *jsonDocument[R] {
	buf := bufio.NewWriter(w)
	buf.WriteString(`{"companies":[`)
	return &jsonDocument[R]{base: b, buf: buf, enc: newEncoder(buf), opts: opts}
}

// sourceHeader is a source as its group in json names it.
type sourceHeader struct {
	ID           string           `json:"id"`
	Name         string           `json:"name"`
	Type         string           `json:"type,omitempty"`
	Status       string           `json:"status,omitempty"`
	StartDate    keepnetdate.Time `json:"startDate,omitzero"`
	StartDateISO string           `json:"startDateIso,omitempty"`
	Details      json.RawMessage  `json:"details,omitempty"`
	Summary      json.RawMessage  `json:"summary,omitempty"`
}

func (d *jsonDocument[R]) BeginCompany(co workflows.Company) error {
	if d.companies > 0 && d.company == co.ID {
		return nil
	}
	if err := d.closeCompany(); err != nil {
		return err
	}
	if d.companies > 0 {
		d.buf.WriteString(",")
	}
	d.companies++
	d.company, d.sources = co.ID, 0
	d.dates.ForCompany(co.ID, keepnetdate.Unknown)
	d.buf.WriteString(`{"company":`)
	if err := d.encode("company", co); err != nil {
		return err
	}
	d.buf.WriteString(`,"sources":[`)
	return nil
}

func (d *jsonDocument[R]) BeginSource(src *workflows.Source) error {
	if err := d.BeginCompany(src.Company); err != nil {
		return err
	}
	if d.sources > 0 {
		d.buf.WriteString("]},")
	}
	d.sources++
	d.records = 0
	_ = d.base.BeginSource(src) // it cannot fail
	d.dates.Observe(src.StartDate)
	h := sourceHeader{ID: src.ID, Name: src.Name, Type: src.Type, Status: src.Status, StartDate: src.StartDate,
		StartDateISO: d.dates.ISO(src.StartDate), Details: src.Details, Summary: src.Summary}
	var b bytes.Buffer
	enc := newEncoder(&b)
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("write json source: %w", err)
	}
	// The header's members, then the records array: {"id":…,"records":[
	d.buf.Write(bytes.TrimSuffix(bytes.TrimSpace(b.Bytes()), []byte("}")))
	d.buf.WriteString(`,"records":[`)
	return nil
}

func (d *jsonDocument[R]) Write(rec R) error {
	if d.sources == 0 {
		return fmt.Errorf("write json record: no source begun")
	}
	if d.records > 0 {
		d.buf.WriteString(",")
	}
	d.records++
	d.observe(&rec)
	return d.encode("record", d.kind.JSON(&rec, d.dates.ISO))
}

func (d *jsonDocument[R]) CompanyFailed(reason string) { d.failed = append(d.failed, reason) }

// closeCompany closes the open group, if any: its last source, its
// sources, its notices and its error.
func (d *jsonDocument[R]) closeCompany() error {
	if d.companies == 0 {
		return nil
	}
	if d.sources > 0 {
		d.buf.WriteString("]}")
	}
	d.buf.WriteString("]")
	var notices []string
	if d.opts.Notices != nil {
		notices = d.opts.Notices(d.company)
	}
	if err := d.tail(notices, strings.Join(d.failed, "; ")); err != nil {
		return err
	}
	d.failed = nil
	return nil
}

// tail writes a group's notices and error, when it has them, and closes
// it.
func (d *jsonDocument[R]) tail(notices []string, problem string) error {
	if len(notices) > 0 {
		d.buf.WriteString(`,"notices":`)
		if err := d.encode("notices", notices); err != nil {
			return err
		}
	}
	if problem != "" {
		d.buf.WriteString(`,"error":`)
		if err := d.encode("error", problem); err != nil {
			return err
		}
	}
	d.buf.WriteString("}")
	return nil
}

func (d *jsonDocument[R]) Close() error {
	if err := d.closeCompany(); err != nil {
		return err
	}
	for _, sk := range d.opts.Skipped {
		if d.companies > 0 {
			d.buf.WriteString(",")
		}
		d.companies++
		d.buf.WriteString(`{"company":`)
		if err := d.encode("company", sk.Company); err != nil {
			return err
		}
		d.buf.WriteString(`,"sources":[],"skipped":`)
		if err := d.encode("skipped", sk.Skipped); err != nil {
			return err
		}
		if err := d.tail(sk.Notices, ""); err != nil {
			return err
		}
	}
	d.buf.WriteString("]}\n")
	return d.buf.Flush()
}

func (d *jsonDocument[R]) Discard() error { return d.buf.Flush() }

// encode writes v, and a newline after it.
func (d *jsonDocument[R]) encode(what string, v any) error {
	if err := d.enc.Encode(v); err != nil {
		return fmt.Errorf("write json %s: %w", what, err)
	}
	return nil
}
