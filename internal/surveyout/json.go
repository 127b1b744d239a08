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
	buf *bufio.Writer
	enc *json.Encoder
}

func newNDJSON(w io.Writer) *ndjsonWriter {
	buf := bufio.NewWriter(w)
	return &ndjsonWriter{buf: buf, enc: newEncoder(buf)}
}

func (n *ndjsonWriter) WriteUser(u workflows.UserResult) error {
	if err := n.enc.Encode(n.record(u)); err != nil {
		return fmt.Errorf("write ndjson record: %w", err)
	}
	return nil
}

func (n *ndjsonWriter) Close() error   { return n.buf.Flush() }
func (n *ndjsonWriter) Discard() error { return n.buf.Flush() }

// jsonDocument writes {company, enrollment, summary, users: [...]}, the
// users as they come: the header goes out first, then each user, then the
// closing brackets, so the document is never held whole in memory.
type jsonDocument struct {
	isoDates
	buf   *bufio.Writer
	enc   *json.Encoder
	users int
}

func newJSONDocument(w io.Writer, h Header) (*jsonDocument, error) {
	buf := bufio.NewWriter(w)
	d := &jsonDocument{buf: buf, enc: newEncoder(buf)}
	fields := []struct {
		name  string
		value any
	}{{"company", h.Company}, {"enrollment", h.Enrollment}, {"summary", h.Summary}}
	buf.WriteString("{")
	for _, f := range fields {
		fmt.Fprintf(buf, "%q:", f.name)
		if err := d.enc.Encode(f.value); err != nil {
			return nil, fmt.Errorf("write json %s: %w", f.name, err)
		}
		buf.WriteString(",")
	}
	buf.WriteString(`"users":[`)
	return d, nil
}

func (d *jsonDocument) WriteUser(u workflows.UserResult) error {
	if d.users > 0 {
		d.buf.WriteString(",")
	}
	d.users++
	if err := d.enc.Encode(d.record(u)); err != nil {
		return fmt.Errorf("write json user: %w", err)
	}
	return nil
}

func (d *jsonDocument) Close() error {
	d.buf.WriteString("]}\n")
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
