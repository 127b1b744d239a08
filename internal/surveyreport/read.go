// Package surveyreport turns survey-results output into a report: it reads
// saved ndjson and json outputs into a Builder, and
// renders a Report as one self-contained HTML file.
package surveyreport

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// record is the part of a survey-results record a report reads. Records
// may carry their company and enrollment (pulls across companies do);
// records that do not belong to the file's header, or to the file's label.
type record struct {
	TargetUserResourceID string             `json:"targetUserResourceId"`
	Status               string             `json:"status"`
	Answers              []workflows.Answer `json:"answers"`
	Error                string             `json:"error"`
	CompanyID            string             `json:"companyId"`
	CompanyName          string             `json:"companyName"`
	EnrollmentID         string             `json:"enrollmentId"`
	EnrollmentName       string             `json:"enrollmentName"`
}

func (r *record) user() workflows.UserResult {
	return workflows.UserResult{TargetUserResourceID: r.TargetUserResourceID, Status: r.Status, Answers: r.Answers, Error: r.Error}
}

// Stats says what a read found.
type Stats struct {
	Users int
	// Incomplete counts records that carry an error: the pull could not
	// fetch all of that user's data.
	Incomplete int
}

// ReadFile reads a survey-results output (ndjson or json) into b. Records
// without a company are reported under the json header's company or, in
// ndjson, under the file's name without its extension. A file that cannot
// be read or is not survey-results output is a *workflows.InputError.
func ReadFile(path string, b *Builder) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		reason := err.Error()
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		return Stats{}, &workflows.InputError{Field: "from", Value: path, Reason: "cannot be read: " + reason}
	}
	defer f.Close() //nolint:errcheck // read-only: nothing to lose
	st, err := Read(f, Label(path), b)
	if err != nil {
		var ie *workflows.InputError
		if errors.As(err, &ie) {
			ie.Value = path
			return st, ie
		}
		return st, fmt.Errorf("read %s: %w", path, err)
	}
	return st, nil
}

// Label is the company name given to records of path that name none: the
// file's name without directory and extension ("acme.ndjson" → "acme").
func Label(path string) string {
	base := filepath.Base(path)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// Read reads one survey-results output from r into b; label names the
// company of records that name none and come without a json header.
func Read(r io.Reader, label string, b *Builder) (Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	document, err := isDocument(br)
	if err != nil {
		return Stats{}, err
	}
	rd := &reader{dec: json.NewDecoder(br), b: b, label: label}
	if document {
		err = rd.document(Key{CompanyName: label})
	} else {
		err = rd.ndjson()
	}
	return rd.stats, err
}

// documentKeys are the top-level names of survey-results' json format (and
// "companies", where a pull across companies may group its documents).
var documentKeys = map[string]bool{"company": true, "enrollment": true, "summary": true, "users": true, "companies": true}

// isDocument tells a json document from ndjson records by the first name
// of the first object, without consuming input.
func isDocument(br *bufio.Reader) (bool, error) {
	peek, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return false, err
	}
	if len(bytes.TrimSpace(peek)) == 0 {
		return false, notOutput("is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(peek))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false, notOutput("does not start with a JSON object")
	}
	tok, err := dec.Token()
	if err != nil {
		return false, notOutput("does not start with a JSON object")
	}
	name, _ := tok.(string)
	return documentKeys[name], nil
}

func notOutput(reason string) error {
	return &workflows.InputError{Field: "from", Reason: reason + "; want the ndjson or json output of survey-results"}
}

type reader struct {
	dec   *json.Decoder
	b     *Builder
	label string
	stats Stats
}

func (rd *reader) ndjson() error {
	for n := 1; ; n++ {
		var rec record
		err := rd.dec.Decode(&rec)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return notOutput(fmt.Sprintf("record %d is not valid JSON (%v)", n, err))
		}
		if rec.TargetUserResourceID == "" {
			return notOutput(fmt.Sprintf("record %d has no targetUserResourceId", n))
		}
		rd.add(Key{CompanyName: rd.label}, &rec)
	}
}

// document reads {company, enrollment, summary, users: [...]} user by
// user, or {companies: [such documents]}. The header precedes the users,
// as survey-results writes it.
func (rd *reader) document(key Key) error {
	if _, err := rd.dec.Token(); err != nil { // the '{' isDocument saw
		return notOutput(err.Error())
	}
	for rd.dec.More() {
		tok, err := rd.dec.Token()
		if err != nil {
			return notOutput(err.Error())
		}
		name, _ := tok.(string)
		switch name {
		case "company":
			var c workflows.Company
			if err := rd.dec.Decode(&c); err != nil {
				return notOutput(fmt.Sprintf("its company is not valid (%v)", err))
			}
			key.CompanyID, key.CompanyName = c.ID, cmp.Or(c.Name, key.CompanyName)
		case "enrollment":
			var e struct{ ID, Name string }
			if err := rd.dec.Decode(&e); err != nil {
				return notOutput(fmt.Sprintf("its enrollment is not valid (%v)", err))
			}
			key.EnrollmentID, key.EnrollmentName = e.ID, e.Name
		case "users":
			// A header's survey is in the report even without users.
			if key.CompanyID != "" {
				rd.b.Start(key)
			}
			if err := rd.users(key); err != nil {
				return err
			}
		case "companies":
			if err := rd.companies(key); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := rd.dec.Decode(&skip); err != nil {
				return notOutput(err.Error())
			}
		}
	}
	if _, err := rd.dec.Token(); err != nil { // '}'
		return notOutput(err.Error())
	}
	return nil
}

func (rd *reader) users(key Key) error {
	if tok, err := rd.dec.Token(); err != nil || tok != json.Delim('[') {
		return notOutput(`its "users" is not a list`)
	}
	for n := 1; rd.dec.More(); n++ {
		var rec record
		if err := rd.dec.Decode(&rec); err != nil {
			return notOutput(fmt.Sprintf("user %d is not valid (%v)", n, err))
		}
		rd.add(key, &rec)
	}
	_, err := rd.dec.Token() // ']'
	return err
}

func (rd *reader) companies(key Key) error {
	if tok, err := rd.dec.Token(); err != nil || tok != json.Delim('[') {
		return notOutput(`its "companies" is not a list`)
	}
	for rd.dec.More() {
		if err := rd.document(Key{CompanyName: key.CompanyName}); err != nil {
			return err
		}
	}
	_, err := rd.dec.Token() // ']'
	return err
}

// add counts a record under its own company and enrollment where it names
// them, else under key.
func (rd *reader) add(key Key, rec *record) {
	if rec.CompanyID != "" || rec.CompanyName != "" {
		key = Key{CompanyID: rec.CompanyID, CompanyName: rec.CompanyName, EnrollmentID: key.EnrollmentID, EnrollmentName: key.EnrollmentName}
	}
	if rec.EnrollmentID != "" || rec.EnrollmentName != "" {
		key.EnrollmentID, key.EnrollmentName = rec.EnrollmentID, rec.EnrollmentName
	}
	rd.stats.Users++
	if rec.Error != "" {
		rd.stats.Incomplete++
	}
	rd.b.Add(key, rec.user())
}
