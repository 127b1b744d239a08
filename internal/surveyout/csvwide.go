package surveyout

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// csvWideColumns lead every csv-wide row; one column per question follows.
var csvWideColumns = []string{
	"companyId", "companyName", "targetUserResourceId", "email", "firstName", "lastName", "department", "status",
	"lastInteractionDate", "error",
}

// csvWide writes one row per user and one column per question. The header
// needs every question, and users can be shown different questions, so the
// question set is known only after the last user. Rather than hold every
// user in memory, records are spooled as JSON lines to a temporary file
// while the (small) question set is gathered; Close writes the header, then
// replays the spool into rows. Memory stays flat at the cost of one extra
// pass over a local file.
type csvWide struct {
	out       io.Writer
	spool     *os.File
	spoolBuf  *bufio.Writer
	enc       *json.Encoder
	questions []question
	column    map[string]int // question ID -> index in questions
	raw       bool
	company   workflows.Company
}

type question struct{ id, text string }

func newCSVWide(w io.Writer, company workflows.Company, spoolDir string, raw bool) (*csvWide, error) {
	// The spool holds names, emails and answers: it has no name at any
	// time, so a run that ends in any way (a closed pipe, a kill) leaves
	// none of it behind.
	spool, err := atomicfile.Anonymous(spoolDir)
	if err != nil {
		return nil, fmt.Errorf("csv-wide spool: %w", err)
	}
	buf := bufio.NewWriter(spool)
	return &csvWide{out: w, spool: spool, spoolBuf: buf, enc: json.NewEncoder(buf), column: map[string]int{}, raw: raw, company: company}, nil
}

func (c *csvWide) CompanyFailed(string) {}

func (c *csvWide) BeginCompany(h Header) error {
	c.company = h.Company
	return nil
}

func (c *csvWide) WriteUser(u workflows.UserResult) error {
	for _, a := range u.Answers {
		if _, seen := c.column[a.QuestionID]; !seen {
			c.column[a.QuestionID] = len(c.questions)
			c.questions = append(c.questions, question{id: a.QuestionID, text: a.Question})
		}
	}
	if err := c.enc.Encode(ofSurvey(Header{Company: c.company}, u)); err != nil {
		return fmt.Errorf("csv-wide spool: %w", err)
	}
	return nil
}

func (c *csvWide) Close() error {
	err := c.replay()
	return errors.Join(err, c.Discard())
}

func (c *csvWide) replay() error {
	if err := c.spoolBuf.Flush(); err != nil {
		return fmt.Errorf("csv-wide spool: %w", err)
	}
	if _, err := c.spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("csv-wide spool: %w", err)
	}
	w := newCSVRows(csv.NewWriter(c.out), c.raw)
	fixed := len(csvWideColumns)
	row := make([]string, fixed+len(c.questions))
	copy(row, csvWideColumns)
	copy(row[fixed:], c.headers())
	if err := w.Write(row); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReader(c.spool))
	for {
		var u workflows.SurveyRecord
		if err := dec.Decode(&u); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("csv-wide spool: %w", err)
		}
		copy(row, []string{u.CompanyID, u.CompanyName, u.TargetUserResourceID, u.Email, u.FirstName, u.LastName, u.Department, u.Status, u.LastInteractionDate.String(), u.Error})
		clear(row[fixed:])
		for _, a := range u.Answers {
			row[fixed+c.column[a.QuestionID]] = a.Answer
		}
		if err := w.Write(row); err != nil {
			return fmt.Errorf("write csv row: %w", err)
		}
	}
	w.Flush()
	return w.Error()
}

// headers names the question columns by their text, as people read them.
// Two questions with the same text (or none) would make columns nobody can
// tell apart, so those get their question ID appended.
func (c *csvWide) headers() []string {
	count := map[string]int{}
	for _, q := range c.questions {
		count[q.text]++
	}
	names := make([]string, len(c.questions))
	for i, q := range c.questions {
		names[i] = q.text
		if q.text == "" || count[q.text] > 1 {
			names[i] = fmt.Sprintf("%s [%s]", q.text, q.id)
		}
	}
	return names
}

// Discard frees the spool.
func (c *csvWide) Discard() error {
	if c.spool == nil {
		return nil
	}
	err := c.spool.Close()
	c.spool = nil
	if err != nil {
		return fmt.Errorf("csv-wide spool: %w", err)
	}
	return nil
}
