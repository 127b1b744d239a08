package surveyout

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// ndjsonWriter writes one user record a line.
type ndjsonWriter struct {
	isoDates
	buf    *bufio.Writer
	enc    *json.Encoder
	survey Header // whose records these are
}

func newNDJSON(w io.Writer, h Header) *ndjsonWriter {
	buf := bufio.NewWriter(w)
	n := &ndjsonWriter{isoDates: surveyDates(), buf: buf, enc: newEncoder(buf), survey: h}
	n.forCompany(h.Company.ID, h.DateOrder)
	return n
}

func (n *ndjsonWriter) BeginCompany(h Header) error {
	n.survey = h
	n.forCompany(h.Company.ID, h.DateOrder)
	return nil
}

func (n *ndjsonWriter) WriteUser(u workflows.UserResult) error {
	if err := n.enc.Encode(n.record(ofSurvey(n.survey, u))); err != nil {
		return fmt.Errorf("write ndjson record: %w", err)
	}
	return nil
}

func (n *ndjsonWriter) CompanyFailed(string) {}

func (n *ndjsonWriter) Close() error   { return n.buf.Flush() }
func (n *ndjsonWriter) Discard() error { return n.buf.Flush() }

// ofSurvey is u as the formats write it: naming its company and
// enrollment.
func ofSurvey(h Header, u workflows.UserResult) workflows.SurveyRecord {
	return workflows.SurveyRecord{CompanyID: h.Company.ID, CompanyName: h.Company.Name, EnrollmentID: h.Enrollment.ID, EnrollmentName: h.Enrollment.Name, UserResult: u}
}

// jsonDocument writes {company, enrollment, summary, users: [...]}, or, when
// grouped, {companies: [{company, enrollment, summary, users: [...]}, ...]},
// the users as they come: each header goes out first, then each user, then
// the closing brackets, so the document is never held whole in memory.
type jsonDocument struct {
	isoDates
	buf     *bufio.Writer
	enc     *json.Encoder
	grouped bool
	survey  Header // whose records these are
	groups  int
	users   int
	// failed is the current company's CompanyFailed reason, written when
	// its object closes.
	failed string
}

func newJSONDocument(w io.Writer, h Header, grouped bool) (*jsonDocument, error) {
	buf := bufio.NewWriter(w)
	d := &jsonDocument{isoDates: surveyDates(), buf: buf, enc: newEncoder(buf), grouped: grouped, survey: h}
	d.forCompany(h.Company.ID, h.DateOrder)
	if grouped {
		buf.WriteString(`{"companies":[`)
		return d, nil
	}
	if err := d.writeHeader(h); err != nil {
		return nil, err
	}
	return d, nil
}

// writeHeader opens one survey's object, up to its users array.
func (d *jsonDocument) writeHeader(h Header) error {
	fields := []struct {
		name  string
		value any
	}{{"company", h.Company}, {"enrollment", h.Enrollment}, {"summary", h.Summary}}
	d.buf.WriteString("{")
	for _, f := range fields {
		fmt.Fprintf(d.buf, "%q:", f.name)
		if err := d.enc.Encode(f.value); err != nil {
			return fmt.Errorf("write json %s: %w", f.name, err)
		}
		d.buf.WriteString(",")
	}
	d.buf.WriteString(`"users":[`)
	return nil
}

func (d *jsonDocument) BeginCompany(h Header) error {
	d.survey = h
	d.forCompany(h.Company.ID, h.DateOrder)
	if !d.grouped {
		return nil
	}
	if d.groups > 0 {
		if err := d.closeSurvey(); err != nil {
			return err
		}
		d.buf.WriteString(",")
	}
	d.groups++
	d.users = 0
	return d.writeHeader(h)
}

func (d *jsonDocument) WriteUser(u workflows.UserResult) error {
	if d.grouped && d.groups == 0 {
		return fmt.Errorf("write json user: no company begun in a grouped document")
	}
	if d.users > 0 {
		d.buf.WriteString(",")
	}
	d.users++
	if err := d.enc.Encode(d.record(ofSurvey(d.survey, u))); err != nil {
		return fmt.Errorf("write json user: %w", err)
	}
	return nil
}

func (d *jsonDocument) CompanyFailed(reason string) { d.failed = reason }

// closeSurvey closes one survey's object: its users array, then the
// company's error if it failed.
func (d *jsonDocument) closeSurvey() error {
	d.buf.WriteString("]")
	if d.failed != "" {
		d.buf.WriteString(`,"error":`)
		if err := d.enc.Encode(d.failed); err != nil {
			return fmt.Errorf("write json error: %w", err)
		}
		d.failed = ""
	}
	d.buf.WriteString("}")
	return nil
}

func (d *jsonDocument) Close() error {
	if !d.grouped || d.groups > 0 {
		if err := d.closeSurvey(); err != nil {
			return err
		}
	}
	if d.grouped {
		d.buf.WriteString("]}")
	}
	d.buf.WriteString("\n")
	return d.buf.Flush()
}

func (d *jsonDocument) Discard() error { return d.buf.Flush() }

// newEncoder writes JSON as people read it: "<", ">" and "&" in answers stay
// as they are rather than becoming \u003c and friends.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
