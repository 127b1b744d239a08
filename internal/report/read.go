package report

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

	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// ReadFile collects a saved pull: the ndjson or json output of
// training-results, phishing-results or survey-results, or any JSON that
// holds their records (one a line, in lists, in documents grouped by
// company). Each record says its kind by its fields. Survey records that
// name no company belong to their document's company, else to a company
// named after the file ("acme.ndjson": "acme"). A file that cannot be read
// or holds no record is an error saying why.
func (c *Collector) ReadFile(path string) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			err = pe.Err
		}
		return Stats{}, fmt.Errorf("cannot be read: %w", err)
	}
	defer f.Close() //nolint:errcheck // read-only
	return c.Read(f, path)
}

// Read collects the records of a saved pull read from r; name is the
// file's, for survey records that name no company and for conflicts.
func (c *Collector) Read(r io.Reader, name string) (Stats, error) {
	rd := &reader{c: c, origin: name, label: surveyreport.Label(name)}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	for n := 1; ; n++ {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rd.stats, fmt.Errorf("value %d is not valid JSON (%v); want the ndjson or json output of training-results, phishing-results or survey-results", n, err)
		}
		if err := rd.walk(v, enclosing{}, 0); err != nil {
			return rd.stats, fmt.Errorf("value %d: %w", n, err)
		}
	}
	if rd.stats.Records == 0 {
		return rd.stats, errors.New("holds no training, phishing or survey record; want the ndjson or json output of training-results, phishing-results or survey-results")
	}
	return rd.stats, nil
}

type reader struct {
	c      *Collector
	origin string
	label  string
	stats  Stats
}

// enclosing is what enclosing documents say of the records in them.
type enclosing struct {
	company    workflows.Company
	enrollment struct{ ID, Name string }
}

// maxDepth bounds how deep the reader follows nested JSON.
const maxDepth = 16

// probe tells a record's kind by the fields only one kind has.
type probe struct {
	TargetUserResourceID *string          `json:"targetUserResourceId"`
	ResourceID           *string          `json:"resourceId"`
	CampaignID           *json.RawMessage `json:"campaignId"`
	InstanceGroup        *json.RawMessage `json:"instanceGroup"`
	EnrollmentType       *json.RawMessage `json:"enrollmentType"`
	DueDate              *json.RawMessage `json:"dueDate"`
	Answers              *json.RawMessage `json:"answers"`
	Interactions         *json.RawMessage `json:"interactions"`

	// The ISO 8601 companions the results commands write beside the
	// service's dates, in the company's day/month order when its
	// settings named it: they tell a saved pull's reader that order.
	StartDateISO           string `json:"startDateIso"`
	JobStartDateISO        string `json:"jobStartDateIso"`
	DueDateISO             string `json:"dueDateIso"`
	LastInteractionDateISO string `json:"lastInteractionDateIso"`
}

// walk collects the records in v: v itself, or those in its lists and
// fields, with what its "company" and "enrollment" fields say.
func (rd *reader) walk(v json.RawMessage, ctx enclosing, depth int) error {
	if depth > maxDepth {
		return errors.New("is nested too deeply to be a pull's output")
	}
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	switch v[0] {
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return err
		}
		for _, it := range items {
			if err := rd.walk(it, ctx, depth+1); err != nil {
				return err
			}
		}
		return nil
	case '{':
	default:
		return nil
	}
	var pr probe
	if err := json.Unmarshal(v, &pr); err == nil {
		switch {
		case pr.ResourceID != nil && (pr.CampaignID != nil || pr.InstanceGroup != nil):
			var r workflows.PhishingRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("a phishing record is not valid: %w", err)
			}
			r.CompanyID, r.CompanyName = cmp.Or(r.CompanyID, ctx.company.ID), cmp.Or(r.CompanyName, ctx.company.Name)
			rd.count(r.Error)
			rd.c.learnOrder(workflows.Company{ID: r.CompanyID, Name: r.CompanyName}, r.JobStartDate, pr.JobStartDateISO)
			rd.c.AddPhishing(r, rd.origin)
			return nil
		case pr.TargetUserResourceID != nil && (pr.EnrollmentType != nil || pr.DueDate != nil):
			var r workflows.TrainingRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("a training record is not valid: %w", err)
			}
			r.CompanyID, r.CompanyName = cmp.Or(r.CompanyID, ctx.company.ID), cmp.Or(r.CompanyName, ctx.company.Name)
			rd.count(r.Error)
			co := workflows.Company{ID: r.CompanyID, Name: r.CompanyName}
			rd.c.learnOrder(co, r.StartDate, pr.StartDateISO)
			rd.c.learnOrder(co, r.DueDate, pr.DueDateISO)
			rd.c.AddTraining(r, rd.origin)
			return nil
		case pr.TargetUserResourceID != nil && (pr.Answers != nil || pr.Interactions != nil):
			var r workflows.SurveyRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("a survey record is not valid: %w", err)
			}
			if r.CompanyID == "" && r.CompanyName == "" {
				r.CompanyID, r.CompanyName = ctx.company.ID, cmp.Or(ctx.company.Name, rd.label)
			}
			r.EnrollmentID, r.EnrollmentName = cmp.Or(r.EnrollmentID, ctx.enrollment.ID), cmp.Or(r.EnrollmentName, ctx.enrollment.Name)
			rd.count(r.Error)
			rd.c.learnOrder(workflows.Company{ID: r.CompanyID, Name: r.CompanyName}, r.LastInteractionDate, pr.LastInteractionDateISO)
			rd.c.AddSurvey(r, rd.origin)
			return nil
		}
	}
	fields, err := objectFields(v)
	if err != nil {
		return err
	}
	for _, f := range fields {
		switch f.name {
		case "company":
			var co workflows.Company
			if json.Unmarshal(f.value, &co) == nil {
				ctx.company = co
			}
		case "enrollment":
			var e struct{ ID, Name string }
			if json.Unmarshal(f.value, &e) == nil {
				ctx.enrollment = e
			}
		}
	}
	for _, f := range fields {
		if f.name == "company" || f.name == "enrollment" {
			continue
		}
		if err := rd.walk(f.value, ctx, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (rd *reader) count(recErr string) {
	rd.stats.Records++
	if recErr != "" {
		rd.stats.Incomplete++
	}
}

type field struct {
	name  string
	value json.RawMessage
}

// objectFields lists an object's fields in the order written, so records
// are collected in the order of the file.
func objectFields(v json.RawMessage) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		out = append(out, field{name, val})
	}
	return out, nil
}
