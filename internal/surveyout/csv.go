package surveyout

import (
	"fmt"
	"io"
	"strconv"

	"github.com/keepnet-flow/keepnet-flow/internal/csvout"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// csvLongColumns is the csv format's header: one row per answer.
var csvLongColumns = []string{
	"companyId", "companyName", "targetUserResourceId", "email", "firstName", "lastName", "department", "status",
	"lastInteractionDate", "questionId", "question", "answer", "answerCode", "latencySeconds", "error",
	"lastInteractionDateIso",
}

// csvLong writes one row per answer; a user without answers gets one row
// with the question columns empty, so every user appears.
type csvLong struct {
	isoDates
	w       *csvout.Writer
	row     []string
	company workflows.Company
}

func newCSVLong(w io.Writer, h Header, raw bool) (*csvLong, error) {
	c := &csvLong{isoDates: surveyDates(), w: csvout.NewWriter(w, raw), row: make([]string, len(csvLongColumns)), company: h.Company}
	c.forCompany(h.Company.ID, h.DateOrder)
	if err := c.w.Write(csvLongColumns); err != nil {
		return nil, fmt.Errorf("write csv header: %w", err)
	}
	return c, nil
}

func (c *csvLong) CompanyFailed(string) {}

func (c *csvLong) BeginCompany(h Header) error {
	c.company = h.Company
	c.forCompany(h.Company.ID, h.DateOrder)
	return nil
}

func (c *csvLong) WriteUser(u workflows.UserResult) error {
	copy(c.row, []string{c.company.ID, c.company.Name, u.TargetUserResourceID, u.Email, u.FirstName, u.LastName, u.Department, u.Status, u.LastInteractionDate.String()})
	c.row[14] = u.Error
	c.observe(u)
	c.row[15] = c.iso(u.LastInteractionDate)
	if len(u.Answers) == 0 {
		clear(c.row[9:14])
		return c.write()
	}
	for _, a := range u.Answers {
		c.row[9], c.row[10], c.row[11], c.row[12] = a.QuestionID, a.Question, a.Answer, a.AnswerCode
		c.row[13] = formatSeconds(a.LatencySeconds)
		if err := c.write(); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvLong) write() error {
	if err := c.w.Write(c.row); err != nil {
		return fmt.Errorf("write csv row: %w", err)
	}
	return nil
}

func (c *csvLong) Close() error {
	c.w.Flush()
	return c.w.Error()
}

func (c *csvLong) Discard() error { return c.Close() }

// formatSeconds writes a latency as the shortest exact decimal, empty when
// unknown.
func formatSeconds(s *float64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatFloat(*s, 'f', -1, 64)
}
