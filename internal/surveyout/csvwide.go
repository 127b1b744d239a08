package surveyout

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/csvout"
	"github.com/keepnet-flow/keepnet-flow/internal/jsonspool"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// csvWideColumns lead every csv-wide row; one column per question follows.
var csvWideColumns = []string{
	"companyId", "companyName", "targetUserResourceId", "email", "firstName", "lastName", "department", "status",
	"lastInteractionDate", "error", "lastInteractionDateIso",
}

// csvWide writes one row per user and one column per question. The header
// needs every question, and users can be shown different questions, so the
// question set is known only after the last user. Rather than hold every
// user in memory, records are spooled as JSON lines to a temporary file
// while the (small) question set is gathered; Close writes the header, then
// replays the spool into rows. Memory stays flat at the cost of one extra
// pass over a local file.
//
// The columns follow the survey's question order, whoever answered first:
// by each question's highest session index (a user shown fewer questions
// sees later ones at lower indexes, so the highest is the position in the
// fullest rendering), then by question ID; questions without an index come
// last, by ID.
type csvWide struct {
	isoDates
	out         io.Writer
	spool       *jsonspool.Spool[workflows.SurveyRecord]
	questionIDs bool
	questions   map[string]*question // by question ID
	raw         bool
	company     workflows.Company
}

type question struct {
	id, text string
	index    *int // the highest seen
}

func newCSVWide(w io.Writer, h Header, opts Options) (*csvWide, error) {
	spool, err := jsonspool.New[workflows.SurveyRecord](opts.SpoolDir)
	if err != nil {
		return nil, fmt.Errorf("csv-wide: %w", err)
	}
	c := &csvWide{isoDates: surveyDates(), out: w, spool: spool, questionIDs: opts.QuestionIDs, questions: map[string]*question{}, raw: opts.CSVRaw, company: h.Company}
	c.forCompany(h.Company.ID, h.DateOrder)
	return c, nil
}

func (c *csvWide) CompanyFailed(string) {}

func (c *csvWide) BeginCompany(h Header) error {
	c.company = h.Company
	c.forCompany(h.Company.ID, h.DateOrder)
	return nil
}

func (c *csvWide) WriteUser(u workflows.UserResult) error {
	c.forCompany(c.company.ID, keepnetdate.Unknown) // its setting, if any, was noted when it began
	c.observe(u)                                    // every date, before the first row is written
	for _, a := range u.Answers {
		q, seen := c.questions[a.QuestionID]
		if !seen {
			q = &question{id: a.QuestionID, text: a.Question}
			c.questions[a.QuestionID] = q
		}
		if a.QuestionIndex != nil && (q.index == nil || *a.QuestionIndex > *q.index) {
			index := *a.QuestionIndex
			q.index = &index
		}
	}
	if err := c.spool.Add(ofSurvey(Header{Company: c.company}, u)); err != nil {
		return fmt.Errorf("csv-wide: %w", err)
	}
	return nil
}

func (c *csvWide) Close() error {
	err := c.replay()
	return errors.Join(err, c.Discard())
}

func (c *csvWide) replay() error {
	questions := c.ordered()
	column := make(map[string]int, len(questions))
	for i, q := range questions {
		column[q.id] = i
	}
	w := csvout.NewWriter(c.out, c.raw)
	fixed := len(csvWideColumns)
	row := make([]string, fixed+len(questions))
	copy(row, csvWideColumns)
	copy(row[fixed:], c.headers(questions))
	if err := w.Write(row); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for u, err := range c.spool.All() {
		if err != nil {
			return fmt.Errorf("csv-wide: %w", err)
		}
		c.forCompany(u.CompanyID, keepnetdate.Unknown)
		copy(row, []string{u.CompanyID, u.CompanyName, u.TargetUserResourceID, u.Email, u.FirstName, u.LastName, u.Department, u.Status, u.LastInteractionDate.String(), u.Error, c.iso(u.LastInteractionDate)})
		clear(row[fixed:])
		for _, a := range u.Answers {
			row[fixed+column[a.QuestionID]] = a.Answer
		}
		if err := w.Write(row); err != nil {
			return fmt.Errorf("write csv row: %w", err)
		}
	}
	w.Flush()
	return w.Error()
}

// ordered returns the questions in column order (see csvWide).
func (c *csvWide) ordered() []*question {
	qs := slices.Collect(maps.Values(c.questions))
	slices.SortFunc(qs, func(a, b *question) int {
		switch {
		case a.index != nil && b.index != nil:
			if n := cmp.Compare(*a.index, *b.index); n != 0 {
				return n
			}
		case a.index != nil:
			return -1
		case b.index != nil:
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	return qs
}

// headers names the question columns by their text, as people read them.
// Two questions with the same text (or none) would make columns nobody can
// tell apart, so those get their question ID appended, as all do with
// Options.QuestionIDs.
func (c *csvWide) headers(questions []*question) []string {
	count := map[string]int{}
	for _, q := range questions {
		count[q.text]++
	}
	names := make([]string, len(questions))
	for i, q := range questions {
		names[i] = q.text
		if c.questionIDs || q.text == "" || count[q.text] > 1 {
			names[i] = fmt.Sprintf("%s [%s]", q.text, q.id)
		}
	}
	return names
}

// Discard frees the spool.
func (c *csvWide) Discard() error {
	if err := c.spool.Close(); err != nil {
		return fmt.Errorf("csv-wide: %w", err)
	}
	return nil
}
